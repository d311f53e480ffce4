#!/usr/bin/env bash
# The compose `kafka-init` service (apache/kafka image): creates the Kafka users, topics and ACLs listed
# in kafka-access.txt, which is generated from the declaration in libs/contracts (see kafka-access.ts).
# Passwords come from KIRIM_KAFKA_PASSWORD_<PRINCIPAL> (admin's too) and reach the tools through
# files, never the command line. Idempotent: users are re-set, topics created if missing, ACLs added
# (adding an existing ACL changes nothing). Unlike deploy/local/provision-kafka.ts it removes no ACL
# and grows no topic: a compose volume starts from this file, and `docker compose down -v` resets it.
set -euo pipefail
KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
BOOTSTRAP="${KIRIM_KAFKA_BOOTSTRAP:-kafka:9092}"
ACCESS="${KIRIM_KAFKA_ACCESS_FILE:-/kirim/kafka-access.txt}"
PARALLEL="${KIRIM_KAFKA_INIT_PARALLEL:-4}" # each line is a JVM start; a few at once
: "${KIRIM_KAFKA_PASSWORD_ADMIN:?KIRIM_KAFKA_PASSWORD_ADMIN is required}"

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
admin_config="$work/admin.properties"
printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
  "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$KIRIM_KAFKA_PASSWORD_ADMIN\";" >"$admin_config"

password_of() {
  local variable="KIRIM_KAFKA_PASSWORD_$(tr 'a-z.-' 'A-Z__' <<<"$1")"
  [[ -n "${!variable:-}" ]] || { echo "kafka-init: $variable is not set (the password of Kafka user $1)" >&2; exit 1; }
  printf '%s' "${!variable}"
}

pids=()
throttle() { while (($(jobs -rp | wc -l) >= PARALLEL)); do sleep 0.2; done; }
# Waits for every job started so far; a failed one fails the script (set -e).
wait_all() { local pid; for pid in "${pids[@]}"; do wait "$pid"; done; pids=(); }
tool() { "$KAFKA_HOME/bin/$1" --bootstrap-server "$BOOTSTRAP" --command-config "$admin_config" "${@:2}" >/dev/null; }

add_user() {
  local name="$1" file="$work/user-$1.properties"
  printf 'SCRAM-SHA-512=iterations=8192,password=%s\n' "$(password_of "$name")" >"$file"
  tool kafka-configs.sh --alter --entity-type users --entity-name "$name" --add-config-file "$file"
  echo "kafka-init: user $name"
}

add_topic() { # name partitions retention.ms
  tool kafka-topics.sh --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1 --config retention.ms="$3"
  echo "kafka-init: topic $1 ($2 partitions, retention.ms $3)"
}

add_acls() { # principal resource-type pattern-type operations resource...
  local principal="$1" type="$2" pattern="$3" operations="$4" args=() operation resource
  shift 4
  IFS=',' read -ra ops <<<"$operations"
  for operation in "${ops[@]}"; do args+=(--operation "$operation"); done
  for resource in "$@"; do args+=("--$type" "$resource"); done
  tool kafka-acls.sh --add --allow-principal "User:$principal" --allow-host '*' --resource-pattern-type "$pattern" "${args[@]}"
  echo "kafka-init: allowed User:$principal $operations on $type $pattern $*"
}

# Users and topics first (each independent), then the ACLs.
for section in user topic acl; do
  while read -r kind fields; do
    [[ "$kind" == "$section" ]] || continue
    read -ra field <<<"$fields"
    throttle
    case "$kind" in
      user) add_user "${field[0]}" & ;;
      topic) add_topic "${field[0]}" "${field[1]}" "${field[2]}" & ;;
      acl) add_acls "${field[@]}" & ;;
    esac
    pids+=($!)
  done <"$ACCESS"
  wait_all
done
echo "kafka-init: $(grep -c '^user ' "$ACCESS") users, $(grep -c '^topic ' "$ACCESS") topics, $(grep -c '^acl ' "$ACCESS") ACL lines applied"
