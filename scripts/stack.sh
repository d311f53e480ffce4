#!/usr/bin/env bash
# The local stack without Docker: Kafka (KRaft, fetched from Maven Central), PostgreSQL (the one
# configured, or a project-local one), topics, the four services, the example partner bank (a bank
# of its own on its own topics, apps/example-partner) and the edge on one base URL.
#
#   scripts/stack.sh up       install what is missing, start everything, wait until all are ready
#   scripts/stack.sh down     stop the services and the edge (Kafka and PostgreSQL keep running)
#   scripts/stack.sh down --all   also stop Kafka and a project-local PostgreSQL
#   scripts/stack.sh status   readiness of each service
#   scripts/stack.sh reset    stop everything, then drop the kirim databases and the broker's data (a clean slate)
#   scripts/stack.sh reencrypt <service>   re-encrypt the service's data under its active key (docs/data-at-rest.md)
#
# KIRIM_REPLICAS=N (1 to 4, default 1) runs N replicas of each of the four services, as a Deployment
# with N pods would: replica k (2..N) is <service>-k on the service's port + 100 x (k - 1), in the
# same Kafka consumer groups and on the same database; it calls replica k of the other services,
# and the edge sends requests to the replicas in turn (docs/benchmarks.md, "Scaling out"). Change it
# from a stopped stack (`up` refuses otherwise): the edge reads the replicas' addresses when it starts.
#
# The simulated SMS provider (tools/sms-simulator, :3020) runs beside them: clients "send" the
# device-binding SMS through it (docs/device-binding.md), and notifications sends receipts by SMS to
# users without the app through its outbound API (docs/notifications.md). The simulated messaging platform
# (tools/chat-simulator, :3021) receives notifications' chat receipts (docs/notifications.md).
#
# Logs: .local/logs/<service>.log (replicas: <service>-k.log). Settings: see scripts/lib.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN_DIR="$KIRIM_HOME/run"
LOG_DIR="$KIRIM_HOME/logs"
KEY_DIR="$KIRIM_HOME/keys"

REPLICAS="${KIRIM_REPLICAS:-1}"
[[ "$REPLICAS" =~ ^[1-4]$ ]] || die "KIRIM_REPLICAS must be 1, 2, 3 or 4 (got '$REPLICAS')"

# Node flags of every process the stack starts, as the image sets them (NODE_OPTIONS in
# deploy/docker/Dockerfile): a young generation of 2 x 32 MB instead of 2 x 16 MB, so the
# services' minor collections run half as often and take about 30 % less time in all
# (docs/benchmarks.md, "eighteenth pass").
NODE_SERVICE_FLAGS="--max-semi-space-size=32"

# Replica k of a service: its name (the service's own for k = 1) and its HTTP port.
replica_name() { if [[ "$2" == 1 ]]; then echo "$1"; else echo "$1-$2"; fi; }
replica_port() { echo $(( ${SERVICE_PORT[$1]} + 100 * ($2 - 1) )); }
# The service a replica belongs to, and which replica it is (bank-connector-2 -> bank-connector, 2).
# Only the four services have replicas; any other name is its own, replica 1.
is_service() { local name; for name in "${SERVICES[@]}"; do [[ "$name" == "$1" ]] && return 0; done; return 1; }
service_of() { if [[ "$1" =~ ^(.+)-([2-4])$ ]] && is_service "${BASH_REMATCH[1]}"; then echo "${BASH_REMATCH[1]}"; else echo "$1"; fi; }
replica_index() { if [[ "$1" =~ -([2-4])$ && "$(service_of "$1")" != "$1" ]]; then echo "${BASH_REMATCH[1]}"; else echo 1; fi; }
# How many replicas the running stack was started with (what `up` recorded), else KIRIM_REPLICAS.
started_replicas() { if [[ -s "$RUN_DIR/replicas" ]]; then cat "$RUN_DIR/replicas"; else echo "$REPLICAS"; fi; }
# Every replica of the four services, for up to $REPLICAS (or $1) replicas each.
service_replicas() {
  local name k
  for name in "${SERVICES[@]}"; do for ((k = 1; k <= ${1:-$REPLICAS}; k++)); do replica_name "$name" "$k"; done; done
}
# The base URLs of a service's replicas, comma-separated (the edge's upstream list).
replica_urls() {
  local k urls=()
  for ((k = 1; k <= REPLICAS; k++)); do urls+=("http://127.0.0.1:$(replica_port "$1" "$k")"); done
  local IFS=,
  echo "${urls[*]}"
}

infra_up() {
  bash "$REPO_ROOT/deploy/local/kafka/kafka.sh" start
  bash "$REPO_ROOT/deploy/local/postgres.sh" ensure
  # Kafka users (passwords under .local/keys/kafka), topics and ACLs, from libs/contracts.
  node -r "$REPO_ROOT/tools/ts-register.cjs" "$REPO_ROOT/deploy/local/provision-kafka.ts"
}

build_services() {
  say "building the services"
  (cd "$REPO_ROOT" && npx nx run-many -t build -p "${SERVICES[@]}" example-partner edge sms-simulator chat-simulator --output-style=static >"$LOG_DIR/build.log" 2>&1) \
    || { tail -n 40 "$LOG_DIR/build.log"; die "build failed (full log: $LOG_DIR/build.log)"; }
}

# The services that keep personal data or secrets encrypted at rest (docs/data-at-rest.md; notifications:
# merchants' webhook secrets); each has its own keys.
DATA_ENCRYPTING_SERVICES=(bank-connector identity notifications)

# A service's data keys, made once: DATA_ENCRYPTION_KEYS (kid:base64, 32 bytes), the active kid, and
# DATA_LOOKUP_KEY, in .local/keys/data/<service>.env (one VAR=value a line, as service_env gives them).
# Rotation edits this file (docs/data-at-rest.md, "Rotating a key").
ensure_data_keys() {
  local name="$1" file="$KEY_DIR/data/$1.env"
  mkdir -p "$KEY_DIR/data"
  chmod 700 "$KEY_DIR/data"
  [[ -s "$file" ]] && return 0
  (umask 077 && node -e '
    const { randomBytes } = require("crypto");
    process.stdout.write(`DATA_ENCRYPTION_KEYS=local-1:${randomBytes(32).toString("base64")}\nDATA_ENCRYPTION_ACTIVE_KEY_ID=local-1\nDATA_LOOKUP_KEY=${randomBytes(32).toString("base64")}\n`);
  ' >"$file")
}

# The identity signing key, the sandbox admin token, the data keys and the other local secrets are
# made once per machine and kept under .local/ (database passwords: deploy/local/postgres.sh).
ensure_local_secrets() {
  mkdir -p "$KEY_DIR"
  chmod 700 "$KEY_DIR"
  local encrypting
  for encrypting in "${DATA_ENCRYPTING_SERVICES[@]}"; do ensure_data_keys "$encrypting"; done
  if [[ ! -s "$KEY_DIR/identity-signing-key.pem" ]]; then
    (cd "$REPO_ROOT" && node -r ./tools/ts-register.cjs apps/identity/src/generate-signing-key.ts >"$KEY_DIR/identity-signing-key.pem")
    chmod 600 "$KEY_DIR/identity-signing-key.pem"
  fi
  if [[ ! -s "$KEY_DIR/sandbox-admin-token" ]]; then
    node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' >"$KEY_DIR/sandbox-admin-token"
    chmod 600 "$KEY_DIR/sandbox-admin-token"
  fi
  # Record signing keys of payments and bank-connector, bank-connector's encryption key (partner banks
  # encrypt holder names for it), and the platform JWKS of their public halves that every verifier and
  # the example partner read (docs/message-signing.md). Made once; `message-keys.ts rotate` makes new ones.
  (cd "$REPO_ROOT" && node -r ./tools/ts-register.cjs deploy/local/message-keys.ts ensure "$KEY_DIR/messages" >/dev/null)
  if [[ ! -s "$KEY_DIR/partner-admin-token" ]]; then
    node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' >"$KEY_DIR/partner-admin-token"
    chmod 600 "$KEY_DIR/partner-admin-token"
  fi
  # Service credentials (docs/service-credentials.md): each service that calls another has its own
  # secret; identity is given only their SHA-256 digests.
  local client
  mkdir -p "$KEY_DIR/services"
  for client in payments bank-connector notifications; do
    if [[ ! -s "$KEY_DIR/services/$client.secret" ]]; then
      node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >"$KEY_DIR/services/$client.secret"
      chmod 600 "$KEY_DIR/services/$client.secret"
    fi
  done
  # The Standard Webhooks secret identity and the SMS provider (the simulator) share.
  # The messaging platform's webhook secret, shared by notifications and the chat simulator.
  if [[ ! -s "$KEY_DIR/chat-webhook-secret" ]]; then
    (umask 077 && node -e 'process.stdout.write("whsec_" + require("crypto").randomBytes(32).toString("base64"))' >"$KEY_DIR/chat-webhook-secret")
  fi
  if [[ ! -s "$KEY_DIR/sms-webhook-secret" ]]; then
    node -e 'process.stdout.write("whsec_" + require("crypto").randomBytes(32).toString("base64"))' >"$KEY_DIR/sms-webhook-secret"
    chmod 600 "$KEY_DIR/sms-webhook-secret"
  fi
  # notifications' API key at the SMS provider's outbound API (the simulator checks it).
  if [[ ! -s "$KEY_DIR/sms-provider-api-key" ]]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >"$KEY_DIR/sms-provider-api-key")
  fi
  # The local operator's key for the operator endpoints (docs/operations.md); services get only its digest.
  if [[ ! -s "$KEY_DIR/operator.key" ]]; then
    node -e 'process.stdout.write("kop_" + require("crypto").randomBytes(32).toString("base64url"))' >"$KEY_DIR/operator.key"
    chmod 600 "$KEY_DIR/operator.key"
  fi
  # The example partner bank's own keys (a real bank makes these itself and sends kirim its jwks.json);
  # --keep-existing adds a PIN verification key to a key folder made before them.
  (cd "$REPO_ROOT" && node -r ./tools/ts-register.cjs libs/partner-kit/src/bin/partner-keys.ts --bank "$EXAMPLE_PARTNER_BANK" --out "$KEY_DIR/partners/$EXAMPLE_PARTNER_BANK" --keep-existing >/dev/null)
  # The sandbox banks' UPI PIN keys and PIN verification keys (docs/upi-pin.md): made once (what an older
  # folder lacks is added), for bank-connector alone.
  (cd "$REPO_ROOT" && node deploy/local/sandbox-pin-keys.js ensure "$KEY_DIR/sandbox-pin" SBXA SBXB >/dev/null)
}

# The example partner bank is not a kirim service: its own principal, database, keys and settings.
example_partner_env() {
  local principal="partner-${EXAMPLE_PARTNER_BANK,,}"
  echo "PARTNER_BANK_CODE=$EXAMPLE_PARTNER_BANK"
  echo "HTTP_PORT=${SERVICE_PORT[example-partner]}"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  echo "KAFKA_BROKERS=$KAFKA_BROKERS"
  echo "KAFKA_SASL_MECHANISM=scram-sha-512"
  echo "KAFKA_SASL_USERNAME=$principal"
  echo "KAFKA_SASL_PASSWORD=$(cat "$KEY_DIR/kafka/$principal.password")"
  echo "DATABASE_URL=$(database_url example-partner)"
  echo "PARTNER_KEYS_DIR=$KEY_DIR/partners/$EXAMPLE_PARTNER_BANK"
  echo "KIRIM_PLATFORM_JWKS=$KEY_DIR/messages/platform.jwks.json"
  # The partner bank refuses requests older than kirim's services do: a deemed outcome relies on it.
  echo "MESSAGE_MAX_AGE_MS=$LOCAL_MESSAGE_MAX_AGE_MS"
  echo "MESSAGE_MAX_FUTURE_SKEW_MS=$LOCAL_MESSAGE_MAX_FUTURE_SKEW_MS"
  echo "PARTNER_ADMIN_TOKEN=$(cat "$KEY_DIR/partner-admin-token")"
}

service_client_digests() { # name:sha256hex of every service secret, for identity
  local file digests=()
  for file in "$KEY_DIR"/services/*.secret; do
    digests+=("$(basename "$file" .secret):$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1], "utf8")).digest("hex"))' "$file")")
  done
  local IFS=,
  echo "${digests[*]}"
}

# The simulated SMS provider: calls identity's webhook through the edge, as a real provider would.
sms_simulator_env() {
  echo "SMS_SIMULATOR_PORT=${SERVICE_PORT[sms-simulator]}"
  echo "SMS_WEBHOOK_URL=$EDGE_URL/v1/webhooks/sms/inbound"
  echo "SMS_WEBHOOK_SECRET=$(cat "$KEY_DIR/sms-webhook-secret")"
  echo "SMS_VIRTUAL_NUMBER=$SMS_VIRTUAL_NUMBER"
  echo "SMS_PROVIDER_API_KEY=$(cat "$KEY_DIR/sms-provider-api-key")"
}

# The simulated messaging platform: receives notifications' chat receipt webhook.
chat_simulator_env() {
  echo "CHAT_SIMULATOR_PORT=${SERVICE_PORT[chat-simulator]}"
  echo "CHAT_WEBHOOK_SECRET=$(cat "$KEY_DIR/chat-webhook-secret")"
}

# The signed-record freshness window of the local stack (every service and the example partner).
LOCAL_MESSAGE_MAX_AGE_MS="${MESSAGE_MAX_AGE_MS:-60000}"
LOCAL_MESSAGE_MAX_FUTURE_SKEW_MS="${MESSAGE_MAX_FUTURE_SKEW_MS:-5000}"

# The SHA-256 of the local operator's key: what payments and notifications hold (docs/operations.md).
operator_key_digest() {
  node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1], "utf8")).digest("hex"))' "$KEY_DIR/operator.key"
}

edge_env() {
  echo "EDGE_PORT=${SERVICE_PORT[edge]}"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  local name variable
  for name in "${SERVICES[@]}"; do
    variable="${name//-/_}_URL"
    echo "${variable^^}=$(replica_urls "$name")"
  done
  # The edge's per-client rate limit stands in for the Ingress's; every local client (tests, the bench)
  # is 127.0.0.1, so locally it is set high enough never to throttle them (EDGE_RATE_LIMIT_* to try it).
  echo "EDGE_RATE_LIMIT_PER_SECOND=${EDGE_RATE_LIMIT_PER_SECOND:-100000}"
  echo "EDGE_RATE_LIMIT_BURST=${EDGE_RATE_LIMIT_BURST:-200000}"
}

service_env() { # service or replica (payments-2) -> env assignments, one per line
  local instance="$1" name k
  name="$(service_of "$instance")"
  k="$(replica_index "$instance")"
  [[ "$name" == example-partner ]] && { example_partner_env; return; }
  [[ "$name" == sms-simulator ]] && { sms_simulator_env; return; }
  [[ "$name" == chat-simulator ]] && { chat_simulator_env; return; }
  [[ "$name" == edge ]] && { edge_env; return; }
  echo "HTTP_PORT=$(replica_port "$name" "$k")"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  echo "KAFKA_BROKERS=$KAFKA_BROKERS"
  # Replica k calls replica k of the others (a Kubernetes Service would pick one for it).
  echo "IDENTITY_JWKS_URL=http://127.0.0.1:$(replica_port identity "$k")/.well-known/jwks.json"
  echo "IDENTITY_URL=http://127.0.0.1:$(replica_port identity "$k")"
  echo "BANK_CONNECTOR_URL=http://127.0.0.1:$(replica_port bank-connector "$k")"
  echo "DATABASE_URL=$(database_url "$name")"
  # Each service is its own Kafka principal; the broker's ACLs give it its own topics and group only.
  echo "KAFKA_SASL_USERNAME=$name"
  echo "KAFKA_SASL_PASSWORD=$(cat "$KEY_DIR/kafka/$name.password")"
  # Signed records: every service trusts the platform JWKS; MESSAGE_SIGNATURES=off only for a
  # benchmark's comparison run (docs/benchmarks.md).
  echo "MESSAGE_TRUSTED_KEYS_FILE=$KEY_DIR/messages/platform.jwks.json"
  # A shorter freshness window than production's 5 min: payments' local scheme profile deems an
  # unanswered leg's outcome 2 x (max age + skew) = 130 s after its last status check (docs/payment-lifecycle.md).
  echo "MESSAGE_MAX_AGE_MS=$LOCAL_MESSAGE_MAX_AGE_MS"
  echo "MESSAGE_MAX_FUTURE_SKEW_MS=$LOCAL_MESSAGE_MAX_FUTURE_SKEW_MS"
  [[ -n "${MESSAGE_SIGNATURES:-}" ]] && echo "MESSAGE_SIGNATURES=$MESSAGE_SIGNATURES"
  if [[ -s "$KEY_DIR/messages/$name.kid" ]]; then echo "MESSAGE_SIGNING_KEY_ID=$(cat "$KEY_DIR/messages/$name.kid")"; fi
  if [[ -s "$KEY_DIR/services/$name.secret" ]]; then echo "SERVICE_CLIENT_SECRET=$(cat "$KEY_DIR/services/$name.secret")"; fi
  # DATA_ENCRYPTION_KEYS, DATA_ENCRYPTION_ACTIVE_KEY_ID, DATA_LOOKUP_KEY (ensure_data_keys).
  if [[ -s "$KEY_DIR/data/$name.env" ]]; then grep -E '^DATA_[A-Z_]+=' "$KEY_DIR/data/$name.env"; fi
  case "$name" in
    payments)
      # UPI's rules with the clock compressed (status checks within ~20 s, outcomes deemed 130 s later).
      echo "SCHEME_PROFILE_FILE=${SCHEME_PROFILE_FILE:-$REPO_ROOT/deploy/local/scheme-profiles/upi-local.json}"
      # Operator endpoints (/internal/v1/operator/...): the local operator's key, as a digest only.
      echo "OPERATOR_KEY_DIGESTS=local-operator:$(operator_key_digest)" ;;
    notifications)
      # Operator endpoints (dead deliveries and their replay): the same local operator's key, as a digest only.
      echo "OPERATOR_KEY_DIGESTS=local-operator:$(operator_key_digest)"
      # Receipts go to the simulated messaging platform (plain http: it is on this machine), retried
      # quickly so that a local outage and its dead deliveries play out in seconds, not an hour.
      echo "CHAT_WEBHOOK_URL=$CHAT_SIMULATOR_URL/webhooks/kirim"
      echo "CHAT_WEBHOOK_SECRET=$(cat "$KEY_DIR/chat-webhook-secret")"
      echo "CHAT_WEBHOOK_HTTP_ALLOWED=true"
      # Receipts by SMS to users without the app, through the simulator's outbound API (plain http: on this machine).
      echo "SMS_PROVIDER_URL=$SMS_SIMULATOR_URL/v1/outbound-messages"
      echo "SMS_PROVIDER_API_KEY=$(cat "$KEY_DIR/sms-provider-api-key")"
      echo "SMS_PROVIDER_HTTP_ALLOWED=true"
      # Merchants' webhook receivers in local tests run on this machine, over plain http.
      echo "MERCHANT_WEBHOOK_HTTP_ALLOWED=true"
      echo "DELIVERY_BACKOFF_BASE_MS=${DELIVERY_BACKOFF_BASE_MS:-200}"
      echo "DELIVERY_BACKOFF_MAX_MS=${DELIVERY_BACKOFF_MAX_MS:-1000}"
      echo "DELIVERY_MAX_ATTEMPTS=${DELIVERY_MAX_ATTEMPTS:-4}"
      echo "DELIVERY_BREAKER_COOL_DOWN_MS=${DELIVERY_BREAKER_COOL_DOWN_MS:-1000}" ;;
    identity)
      echo "SERVICE_CLIENT_DIGESTS=$(service_client_digests)"
      echo "IDENTITY_SIGNING_KEY_ID=local-1"
      echo "SMS_VIRTUAL_NUMBER=$SMS_VIRTUAL_NUMBER"
      echo "SMS_WEBHOOK_SECRET=$(cat "$KEY_DIR/sms-webhook-secret")"
      # Local development only (identity refuses it in production); clients and tests bind devices.
      echo "IDENTITY_SANDBOX_LOGIN=true" ;;
    bank-connector)
      echo "SANDBOX_ADMIN_TOKEN=$(cat "$KEY_DIR/sandbox-admin-token")"
      echo "PARTNER_REGISTRY_FILE=${PARTNER_REGISTRY_FILE:-$REPO_ROOT/deploy/local/partner-banks.json}"
      echo "PARTNER_JWKS_DIR=$KEY_DIR/partners"
      # Its private encryption keys: partner banks encrypt holder names for them (message-keys.ts).
      echo "MESSAGE_DECRYPTION_KEYS_DIR=$KEY_DIR/messages/bank-connector-encryption"
      echo "SANDBOX_PIN_KEYS_DIR=$KEY_DIR/sandbox-pin" ;;
  esac
}

main_js() { # service -> built entry point
  if [[ "$1" == edge ]]; then echo "$REPO_ROOT/dist/tools/edge/tools/edge/main.js"; elif [[ "$1" == sms-simulator || "$1" == chat-simulator ]]; then echo "$REPO_ROOT/dist/tools/$1/tools/$1/main.js"; else echo "$REPO_ROOT/dist/apps/$1/apps/$1/src/main.js"; fi
}

running() { [[ -f "$RUN_DIR/$1.pid" ]] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

start_one() { # service or replica (payments-2)
  local name="$1" service
  service="$(service_of "$name")"
  running "$name" && { say "$name already running"; return; }
  local -a env_args
  mapfile -t env_args < <(service_env "$name")
  # Multi-line PEM keys are added whole, not through service_env's one-line-per-variable output.
  if [[ "$service" == identity ]]; then
    env_args+=("IDENTITY_SIGNING_KEY=$(cat "$KEY_DIR/identity-signing-key.pem")")
  fi
  if [[ -s "$KEY_DIR/messages/$service.pem" ]]; then
    env_args+=("MESSAGE_SIGNING_KEY=$(cat "$KEY_DIR/messages/$service.pem")")
  fi
  # KIRIM_NODE_FLAGS: extra node flags for profiling, e.g. "--cpu-prof --cpu-prof-dir=.local/prof";
  # they come after NODE_SERVICE_FLAGS, so a flag given there again wins.
  # shellcheck disable=SC2086
  # `export` (a builtin) rather than `env VAR=...`: secrets never appear in a process's arguments.
  (cd "$REPO_ROOT" && export "${env_args[@]}" && exec setsid node $NODE_SERVICE_FLAGS ${KIRIM_NODE_FLAGS:-} --enable-source-maps "$(main_js "$service")" >>"$LOG_DIR/$name.log" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-) &
  echo $! >"$RUN_DIR/$name.pid"
}

port_of() { # service or replica -> its HTTP port
  replica_port "$(service_of "$1")" "$(replica_index "$1")"
}

ready() { # name -> 0 when /health/ready answers 200
  curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$(port_of "$1")/health/ready"
}

wait_ready() {
  local name deadline=$((SECONDS + ${STACK_READY_TIMEOUT:-120}))
  for name in "$@"; do
    until ready "$name"; do
      if ! running "$name"; then tail -n 30 "$LOG_DIR/$name.log" >&2; die "$name exited during start-up (log: $LOG_DIR/$name.log)"; fi
      if (( SECONDS > deadline )); then tail -n 30 "$LOG_DIR/$name.log" >&2; die "$name not ready in time (log: $LOG_DIR/$name.log)"; fi
      sleep 0.5
    done
    say "$name ready on :$(port_of "$name")"
  done
}

stop_one() {
  local name="$1" pid
  running "$name" || { rm -f "$RUN_DIR/$name.pid"; return 0; }
  pid="$(cat "$RUN_DIR/$name.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { say "$name did not stop in 15 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  rm -f "$RUN_DIR/$name.pid"
  say "$name stopped"
}

cmd_up() {
  ensure_node_modules
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  # The edge knows the replicas it started with: another count needs the stack stopped first.
  if running edge && [[ "$(started_replicas)" != "$REPLICAS" ]]; then
    die "the stack runs $(started_replicas) replica(s) of each service; 'scripts/stack.sh down' before starting it with KIRIM_REPLICAS=$REPLICAS"
  fi
  infra_up
  ensure_local_secrets
  [[ "${SKIP_BUILD:-0}" == 1 ]] || build_services
  # identity first: the others fetch its JWKS to verify tokens.
  # The chat simulator first: notifications starts delivering receipts as soon as it is up.
  start_one chat-simulator
  wait_ready chat-simulator
  local name k identities=() others=()
  for ((k = 1; k <= REPLICAS; k++)); do
    identities+=("$(replica_name identity "$k")")
    for name in payments bank-connector notifications; do others+=("$(replica_name "$name" "$k")"); done
  done
  for name in "${identities[@]}"; do start_one "$name"; done
  wait_ready "${identities[@]}"
  for name in "${others[@]}" example-partner; do start_one "$name"; done
  wait_ready "${others[@]}" example-partner
  start_one edge
  echo "$REPLICAS" >"$RUN_DIR/replicas"
  wait_ready edge
  start_one sms-simulator
  wait_ready sms-simulator
  say "kirim is up at $EDGE_URL (API docs: $EDGE_URL/docs)"
}

cmd_down() {
  stop_one sms-simulator
  stop_one chat-simulator
  stop_one edge
  local name
  # Every replica that may be running, whatever KIRIM_REPLICAS says now.
  for name in $(service_replicas 4) example-partner; do stop_one "$name" & done
  wait
  rm -f "$RUN_DIR/replicas"
  if [[ "${1:-}" == --all ]]; then
    bash "$REPO_ROOT/deploy/local/kafka/kafka.sh" stop
    bash "$REPO_ROOT/deploy/local/postgres.sh" stop
  fi
}

cmd_reset() {
  cmd_down --all
  local name
  for name in "${SERVICES[@]}" example-partner; do
    if bash "$REPO_ROOT/deploy/local/postgres.sh" status >/dev/null 2>&1; then
      psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres -qc "DROP DATABASE IF EXISTS kirim_${name//-/_} WITH (FORCE)"
    fi
  done
  rm -rf "$KIRIM_HOME/kafka/data" "$KIRIM_HOME/kafka/cluster.id"
  say "reset: databases dropped and broker data removed; 'scripts/stack.sh up' starts afresh"
}

cmd_status() {
  local name rc=0
  for name in $(service_replicas "$(started_replicas)") example-partner edge sms-simulator chat-simulator; do
    if ready "$name"; then echo "$name: ready"; else echo "$name: NOT ready"; rc=1; fi
  done
  return $rc
}

# Re-encrypts a service's data under its active key (the service may keep running): its own
# re-encryption job (apps/<service>/src/reencrypt-data.ts) with the service's environment.
cmd_reencrypt() {
  local name="${1:-}" job
  [[ -n "$name" ]] || die "usage: $0 reencrypt <service>"
  job="$REPO_ROOT/apps/$name/src/reencrypt-data.ts"
  [[ -f "$job" ]] || die "$name keeps no encrypted data (no apps/$name/src/reencrypt-data.ts)"
  [[ -s "$KEY_DIR/data/$name.env" ]] || die "$name has no data keys yet (scripts/stack.sh up makes them)"
  local -a env_args
  mapfile -t env_args < <(service_env "$name")
  (cd "$REPO_ROOT" && export "${env_args[@]}" && exec node -r ./tools/ts-register.cjs "$job")
}

case "${1:-}" in
  up) cmd_up ;;
  reencrypt) shift; cmd_reencrypt "$@" ;;
  down) shift; cmd_down "$@" ;;
  restart) cmd_down; cmd_up ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) echo "usage: $0 up|down [--all]|restart|status|reset|reencrypt <service>" >&2; exit 2 ;;
esac
