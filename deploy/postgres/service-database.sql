-- One service's database and the role that owns it (docs/data-at-rest.md, "Database roles").
-- Run by a superuser with psql, once per service, by deploy/local/postgres.sh (local stack),
-- deploy/compose/init-databases.sh (docker compose) and the roles integration test:
--
--   KIRIM_SERVICE_DB_PASSWORD=... psql -v database=kirim_payments -v role=kirim_payments -f service-database.sql
--
-- The password comes from the environment, not from psql's arguments, so it never shows in a
-- process list.
-- Idempotent: run again, it resets the password and hands over whatever a superuser made in the
-- database before roles existed (a stack migrated as postgres), so the service's migrations, run as
-- its role, can alter its own tables. The role is not a superuser and can create neither roles nor
-- databases; no one but it (and superusers) may connect to the database.
\set ON_ERROR_STOP on
\getenv password KIRIM_SERVICE_DB_PASSWORD
\if :{?password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'KIRIM_SERVICE_DB_PASSWORD is not set'; END $$;
\endif

SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', :'role', :'password') \gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'database', :'role') \gexec
-- PUBLIC may connect to a new database by default: only the owner may here.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec

\connect :database
SELECT format('ALTER SCHEMA public OWNER TO %I', :'role') \gexec
REVOKE ALL ON SCHEMA public FROM PUBLIC;
-- Tables (with their identity and serial sequences), free-standing sequences, views and functions
-- made by someone else: the role's from now on.
SELECT format('ALTER TABLE %I.%I OWNER TO %I', n.nspname, c.relname, :'role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> :'role' \gexec
SELECT format('ALTER SEQUENCE %I.%I OWNER TO %I', n.nspname, c.relname, :'role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> :'role'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) \gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, :'role')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :'role' \gexec
SELECT format('ALTER TYPE %I.%I OWNER TO %I', n.nspname, t.typname, :'role')
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND pg_get_userbyid(t.typowner) <> :'role'
   AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid) \gexec
