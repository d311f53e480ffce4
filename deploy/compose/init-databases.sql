-- Run once by the postgres image on an empty volume (/docker-entrypoint-initdb.d).
-- One database per service: a service owns its database and no other service reads it.
CREATE DATABASE kirim_identity;
CREATE DATABASE kirim_payments;
CREATE DATABASE kirim_bank_connector;
CREATE DATABASE kirim_notifications;
