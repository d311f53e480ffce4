import { MigrationInterface, QueryRunner } from 'typeorm';

/** Device binding (docs/device-binding.md): bindings, refresh tokens, the revocation feed, attempt counters, replay guards. */
export class CreateDeviceBindingTables1764620000000 implements MigrationInterface {
  name = 'CreateDeviceBindingTables1764620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Only the SHA-256 of the binding token is kept: the token is a bearer secret until it is used.
    await queryRunner.query(`
      CREATE TABLE device_bindings (
        id uuid PRIMARY KEY,
        phone text NOT NULL,
        device_id varchar(128) NOT NULL,
        device_key jsonb NOT NULL,
        device_key_thumbprint varchar(43) NOT NULL,
        token_hash char(64) NOT NULL,
        status text NOT NULL,
        user_id uuid REFERENCES users (id),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        bound_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text,
        CONSTRAINT device_bindings_token_hash_unique UNIQUE (token_hash),
        CONSTRAINT device_bindings_status CHECK (status IN ('pending', 'confirmed', 'active', 'revoked')),
        CONSTRAINT device_bindings_active_has_user CHECK (status <> 'active' OR (user_id IS NOT NULL AND bound_at IS NOT NULL))
      )`);
    // Binding a new device revokes the user's others: this finds them.
    await queryRunner.query(`CREATE INDEX device_bindings_user_active ON device_bindings (user_id) WHERE status = 'active'`);
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        binding_id uuid NOT NULL REFERENCES device_bindings (id),
        token_hash char(64) NOT NULL,
        status text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        CONSTRAINT refresh_tokens_token_hash_unique UNIQUE (token_hash),
        CONSTRAINT refresh_tokens_status CHECK (status IN ('active', 'rotated', 'revoked'))
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_binding ON refresh_tokens (binding_id)`);
    // Append-only, read by every service's RevocationFeedPoller after its cursor (the position).
    await queryRunner.query(`
      CREATE TABLE device_binding_revocations (
        position bigserial PRIMARY KEY,
        binding_id uuid NOT NULL REFERENCES device_bindings (id),
        revoked_at timestamptz NOT NULL,
        reason text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX device_binding_revocations_revoked_at ON device_binding_revocations (revoked_at)`);
    // Fixed-window attempt counters shared by every replica; the bucket is a hash (it may name a phone).
    await queryRunner.query(`
      CREATE TABLE attempt_counters (
        bucket char(64) NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        attempts integer NOT NULL,
        PRIMARY KEY (bucket, window_start)
      )`);
    await queryRunner.query(`CREATE INDEX attempt_counters_window_end ON attempt_counters (window_end)`);
    // Replay guards: a Standard Webhooks webhook-id, a device proof's jti, each accepted once.
    await queryRunner.query(`
      CREATE TABLE sms_webhook_receipts (
        webhook_id varchar(128) PRIMARY KEY,
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE device_proof_jtis (
        jti varchar(128) NOT NULL,
        binding_id uuid NOT NULL REFERENCES device_bindings (id),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (binding_id, jti)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE device_proof_jtis');
    await queryRunner.query('DROP TABLE sms_webhook_receipts');
    await queryRunner.query('DROP TABLE attempt_counters');
    await queryRunner.query('DROP TABLE device_binding_revocations');
    await queryRunner.query('DROP TABLE refresh_tokens');
    await queryRunner.query('DROP TABLE device_bindings');
  }
}
