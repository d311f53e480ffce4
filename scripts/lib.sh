# Shared by the scripts in this folder: paths, the local stack's settings, and small helpers.
# shellcheck shell=bash
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KIRIM_HOME="${KIRIM_HOME:-$REPO_ROOT/.local}"
export DATABASE_HOST="${DATABASE_HOST:-127.0.0.1}"
export DATABASE_PORT="${DATABASE_PORT:-5432}"
export DATABASE_USER="${DATABASE_USER:-postgres}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export EDGE_URL="${EDGE_URL:-http://127.0.0.1:8080}"
export TEST_DATABASE_SERVER_URL="${TEST_DATABASE_SERVER_URL:-postgres://${DATABASE_USER}@${DATABASE_HOST}:${DATABASE_PORT}/postgres}"

SERVICES=(identity payments bank-connector notifications)
# The example partner bank the local stack runs next to the services (apps/example-partner): a bank
# of its own, on its own topics, database and port; listed in deploy/local/partner-banks.json.
export EXAMPLE_PARTNER_BANK="${EXAMPLE_PARTNER_BANK:-XMPL}"
export EXAMPLE_PARTNER_URL="${EXAMPLE_PARTNER_URL:-http://127.0.0.1:3010}"
declare -A SERVICE_PORT=([identity]=3001 [payments]=3002 [bank-connector]=3003 [notifications]=3004 [example-partner]=3010 [edge]=8080 [sms-simulator]=3020 [chat-simulator]=3021)
# The simulated SMS provider (tools/sms-simulator): devices "send SMS" through it; it calls identity's webhook.
export SMS_SIMULATOR_URL="${SMS_SIMULATOR_URL:-http://127.0.0.1:3020}"
# The simulated messaging platform (tools/chat-simulator): notifications pushes receipts to its webhook.
export CHAT_SIMULATOR_URL="${CHAT_SIMULATOR_URL:-http://127.0.0.1:3021}"
# The platform's virtual number, to which devices send the binding SMS.
export SMS_VIRTUAL_NUMBER="${SMS_VIRTUAL_NUMBER:-+919000000000}"

say() { printf '\033[1m[kirim]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Installs npm dependencies when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  command -v node >/dev/null || die "Node.js 20+ is required"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$major" -ge 20 ]] || die "Node.js 20+ is required (found $(node -v))"
  if [[ ! -d "$REPO_ROOT/node_modules" || "$REPO_ROOT/package-lock.json" -nt "$REPO_ROOT/node_modules/.package-lock.json" ]]; then
    say "installing npm dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
  fi
}

# Each service connects as its own role, which owns its database and nothing else; the role and its
# password (hex, so safe in a URL) are made by deploy/local/postgres.sh ensure.
database_url() { # service name -> its database URL
  local db="kirim_${1//-/_}"
  local password_file="$KIRIM_HOME/keys/postgres/$db.password"
  [[ -s "$password_file" ]] || die "no database password for $1 (run: bash deploy/local/postgres.sh ensure)"
  echo "postgres://${db}:$(cat "$password_file")@${DATABASE_HOST}:${DATABASE_PORT}/${db}"
}
