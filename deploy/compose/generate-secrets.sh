#!/usr/bin/env bash
# Writes the secrets docker-compose.yml requires into .env beside it (compose reads .env by itself):
#
#   bash deploy/compose/generate-secrets.sh && docker compose up --build
#
# docker-compose.yml has no default for any password, token or key: each is `${NAME:?...}`, and
# compose refuses to start while one is unset. This script finds every such NAME in the compose file
# and gives the ones .env lacks a fresh random value; values already there are kept (so the
# passwords stay those the postgres and kafka volumes were made with). Values never reach the terminal.
#
#   *_DATA_ENCRYPTION_KEYS          compose-1:<32 random bytes, base64>  (docs/data-at-rest.md)
#   *_DATA_ENCRYPTION_ACTIVE_KEY_ID compose-1
#   *_DATA_LOOKUP_KEY               <32 random bytes, base64>
#   KIRIM_SERVICE_SECRET_<SERVICE>  <32 random bytes, base64url>  (docs/service-credentials.md)
#   KIRIM_SERVICE_CLIENT_DIGESTS    <service>:<sha256 hex>,... of those secrets, recomputed every run
#   KIRIM_OPERATOR_KEY              kop_<32 random bytes, base64url>: the operator's key (docs/operations.md)
#   KIRIM_OPERATOR_KEY_DIGESTS      compose-operator:<sha256 hex> of it, recomputed every run (payments and notifications hold only this)
#   KIRIM_SMS_PROVIDER_API_KEY      48 hex characters: notifications' key at the SMS provider (the simulator checks it)
#   anything else                   48 hex characters (safe inside a database URL)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COMPOSE_FILE="${COMPOSE_FILE_PATH:-$ROOT/docker-compose.yml}"
ENV_FILE="${ENV_FILE_PATH:-$ROOT/.env}"

random_bytes() { head -c "$1" /dev/urandom; }
hex() { random_bytes "$1" | od -An -tx1 | tr -d ' \n'; }
b64() { random_bytes "$1" | base64 | tr -d '\n'; }

value_for() {
  case "$1" in
    *_DATA_ENCRYPTION_KEYS) echo "compose-1:$(b64 32)" ;;
    *_DATA_ENCRYPTION_ACTIVE_KEY_ID) echo "compose-1" ;;
    *_DATA_LOOKUP_KEY) b64 32 ;;
    KIRIM_SERVICE_SECRET_*) b64 32 | tr '+/' '-_' | tr -d '=' ;;
    *) hex 24 ;;
  esac
}

touch "$ENV_FILE"
chmod 600 "$ENV_FILE"
added=0
while read -r name; do
  if ! grep -q "^${name}=" "$ENV_FILE"; then
    echo "${name}=$(value_for "$name")" >>"$ENV_FILE"
    added=$((added + 1))
  fi
done < <(grep -oE '\$\{[A-Z][A-Z0-9_]*:\?' "$COMPOSE_FILE" | sed -E 's/^\$\{//; s/:\?$//' | grep -vx -e KIRIM_SERVICE_CLIENT_DIGESTS -e KIRIM_OPERATOR_KEY_DIGESTS | sort -u)

# One operator key for the operator API; payments gets only its digest (below).
if ! grep -q '^KIRIM_OPERATOR_KEY=' "$ENV_FILE"; then
  echo "KIRIM_OPERATOR_KEY=kop_$(b64 32 | tr '+/' '-_' | tr -d '=')" >>"$ENV_FILE"
  added=$((added + 1))
fi

# identity holds only digests of the services' secrets: derived from .env, so they always match.
digests=()
while IFS='=' read -r name value; do
  service="$(echo "${name#KIRIM_SERVICE_SECRET_}" | tr 'A-Z_' 'a-z-')"
  digests+=("$service:$(printf '%s' "$value" | sha256sum | cut -d' ' -f1)")
done < <(grep -E '^KIRIM_SERVICE_SECRET_[A-Z_]+=' "$ENV_FILE")
operator_key="$(grep -E '^KIRIM_OPERATOR_KEY=' "$ENV_FILE" | head -1 | cut -d= -f2-)"
grep -v -e '^KIRIM_SERVICE_CLIENT_DIGESTS=' -e '^KIRIM_OPERATOR_KEY_DIGESTS=' "$ENV_FILE" >"$ENV_FILE.tmp" || true
(IFS=,; echo "KIRIM_SERVICE_CLIENT_DIGESTS=${digests[*]}") >>"$ENV_FILE.tmp"
echo "KIRIM_OPERATOR_KEY_DIGESTS=compose-operator:$(printf '%s' "$operator_key" | sha256sum | cut -d' ' -f1)" >>"$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
chmod 600 "$ENV_FILE"
echo "[kirim] $ENV_FILE: $added secret(s) added, existing ones kept" >&2
