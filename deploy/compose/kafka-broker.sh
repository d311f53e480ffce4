#!/usr/bin/env bash
# The compose broker's entrypoint (apache/kafka image). Kafka's own launcher cannot write a SCRAM user
# when it formats the storage, and the broker authenticates to itself as admin, so this does it:
#   1. renders server.properties from the KAFKA_* variables, with the image's naming convention
#      (KAFKA_FOO_BAR -> foo.bar, "__" -> "_", "___" -> "-");
#   2. adds the SASL logins with the admin password from KIRIM_KAFKA_PASSWORD_ADMIN: SCRAM-SHA-512 on
#      every SASL listener except the controller's, PLAIN with one static user (admin) on the
#      controller's (KRaft controllers cannot use SCRAM; docs/kafka-security.md);
#   3. formats the storage once, with admin's SCRAM credential (later starts keep the data);
#   4. runs the broker.
# Also writes $KIRIM_CONF_DIR/admin-client.properties for the healthcheck and for operators' tools.
set -euo pipefail
KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
CONF_DIR="${KIRIM_CONF_DIR:-/tmp/kirim}"
: "${CLUSTER_ID:?CLUSTER_ID is required}"
: "${KIRIM_KAFKA_PASSWORD_ADMIN:?KIRIM_KAFKA_PASSWORD_ADMIN is required}"
: "${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:?KAFKA_LISTENER_SECURITY_PROTOCOL_MAP is required}"
: "${KAFKA_CONTROLLER_LISTENER_NAMES:?KAFKA_CONTROLLER_LISTENER_NAMES is required}"

umask 077
mkdir -p "$CONF_DIR"
props="$CONF_DIR/server.properties"
admin_password="$KIRIM_KAFKA_PASSWORD_ADMIN"
scram_login="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin_password\";"
plain_login="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$admin_password\" user_admin=\"$admin_password\";"

{
  echo "# Rendered by deploy/compose/kafka-broker.sh at container start."
  for var in $(compgen -e | grep '^KAFKA_' | sort); do
    case "$var" in
      KAFKA_HOME | KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS | KAFKA_JMX_OPTS | KAFKA_JMX_PORT | KAFKA_GC_LOG_OPTS | KAFKA_DEBUG) continue ;;
    esac
    name="${var#KAFKA_}"
    name="${name,,}"
    name="${name//___/-}"
    name="${name//__/@}"
    name="${name//_/.}"
    name="${name//@/_}"
    printf '%s=%s\n' "$name" "${!var}"
  done
  IFS=',' read -ra entries <<<"$KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"
  for entry in "${entries[@]}"; do
    listener="${entry%%:*}"
    protocol="${entry#*:}"
    [[ "$protocol" == SASL_* ]] || continue
    lower="${listener,,}"
    if [[ ",$KAFKA_CONTROLLER_LISTENER_NAMES," == *",$listener,"* ]]; then
      echo "listener.name.$lower.sasl.enabled.mechanisms=PLAIN"
      echo "listener.name.$lower.plain.sasl.jaas.config=$plain_login"
    else
      echo "listener.name.$lower.sasl.enabled.mechanisms=SCRAM-SHA-512"
      echo "listener.name.$lower.scram-sha-512.sasl.jaas.config=$scram_login"
    fi
  done
} >"$props"

printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' "sasl.jaas.config=$scram_login" >"$CONF_DIR/admin-client.properties"

# The password goes through an argument file (kafka-storage reads @file), not the command line.
args="$CONF_DIR/format.args"
printf '%s\n' format --ignore-formatted --cluster-id "$CLUSTER_ID" --config "$props" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=$admin_password]" >"$args"
"$KAFKA_HOME/bin/kafka-storage.sh" "@$args"
rm -f "$args"

exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$props"
