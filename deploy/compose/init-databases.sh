#!/usr/bin/env bash
# Run once by the postgres image on an empty volume (/docker-entrypoint-initdb.d), as its superuser.
# One database per service, owned by the service's own role (deploy/postgres/service-database.sql,
# the same script the local stack runs): a service connects as its role and reaches no other
# service's database. The passwords come from the environment (KIRIM_POSTGRES_PASSWORD_<SERVICE>,
# required: deploy/compose/generate-secrets.sh writes them to .env), never from a default.
#
# A postgres-data volume made before the roles existed keeps its superuser-owned databases, and this
# script does not run again on it: start afresh (docker compose down -v), or run the same SQL by hand
# (docker compose exec postgres ...) for each service.
set -euo pipefail

declare -A ROLE_PASSWORD=(
  [kirim_identity]="${KIRIM_POSTGRES_PASSWORD_IDENTITY:?}"
  [kirim_payments]="${KIRIM_POSTGRES_PASSWORD_PAYMENTS:?}"
  [kirim_bank_connector]="${KIRIM_POSTGRES_PASSWORD_BANK_CONNECTOR:?}"
  [kirim_notifications]="${KIRIM_POSTGRES_PASSWORD_NOTIFICATIONS:?}"
  # The example partner bank keeps its own ledger: a bank's data is not kirim's.
  [kirim_example_partner]="${KIRIM_POSTGRES_PASSWORD_EXAMPLE_PARTNER:?}"
)

for database in "${!ROLE_PASSWORD[@]}"; do
  KIRIM_SERVICE_DB_PASSWORD="${ROLE_PASSWORD[$database]}" psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v "database=$database" -v "role=$database" -f /kirim/service-database.sql >/dev/null
  echo "[kirim] $database: database owned by role $database"
done
