-- Run once by the postgres image on an empty volume (/docker-entrypoint-initdb.d).
-- One database per service: a service owns its database and no other service reads it.
CREATE DATABASE kirim_identity;
CREATE DATABASE kirim_payments;
CREATE DATABASE kirim_bank_connector;
CREATE DATABASE kirim_notifications;
-- The example partner bank (apps/example-partner) keeps its own ledger: a bank's data is not kirim's.
-- A postgres-data volume made before this line has no such database: create it by hand
-- (docker compose exec postgres createdb -U postgres kirim_example_partner) or start afresh (down -v).
CREATE DATABASE kirim_example_partner;
