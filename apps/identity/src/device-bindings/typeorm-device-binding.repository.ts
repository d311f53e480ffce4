import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { TransactionScope } from '@kirim/messaging';
import { FieldEncryption, LookupHasher } from '@kirim/platform';
import type { JWK } from 'jose';
import { DataSource } from 'typeorm';
import { ATTEMPT_COUNTER_HASH_KIND, IDENTITY_PURPOSES } from '../persistence/identity-personal-data';
import { AttemptCounterRepository } from './attempt-limits';
import type { BindingRevocation, DeviceBinding, DeviceBindingStatus, RefreshToken, RevocationReason } from './device-binding';
import { DeviceBindingRepository, RefreshTokenRepository, ReplayGuard } from './device-binding.repository';

interface BindingRow {
  id: string;
  phone_encrypted: string;
  device_id: string;
  device_key: JWK;
  device_key_thumbprint: string;
  token_hash: string;
  status: DeviceBindingStatus;
  user_id: string | null;
  created_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
  bound_at: Date | null;
  revoked_at: Date | null;
}

const BINDING_COLUMNS =
  'id, phone_encrypted, device_id, device_key, device_key_thumbprint, token_hash, status, user_id, created_at, expires_at, confirmed_at, bound_at, revoked_at';

// The phone is encrypted at rest (docs/data-at-rest.md), read and written here only; bindings are
// found by id or by token hash, never by phone, so it needs no lookup hash.
function toBinding(fields: FieldEncryption, row: BindingRow): DeviceBinding {
  return {
    id: row.id,
    phone: fields.decrypt(IDENTITY_PURPOSES.DEVICE_BINDING_PHONE, row.phone_encrypted),
    deviceId: row.device_id,
    deviceKey: row.device_key,
    deviceKeyThumbprint: row.device_key_thumbprint,
    tokenHash: row.token_hash,
    status: row.status,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    confirmedAt: row.confirmed_at,
    boundAt: row.bound_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * Positions of the revocation feed come from a sequence, and a reader must never see position 7
 * before a concurrently committing 6 (it would skip 6 for good). Appends take this advisory lock
 * until commit, so positions become visible in order. Revocations are rare (a new device, a reused
 * refresh token), so the serialization costs nothing that matters.
 */
const REVOCATION_FEED_LOCK = 7_364_201;

@Injectable()
export class TypeOrmDeviceBindingRepository extends DeviceBindingRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fields: FieldEncryption,
  ) {
    super();
  }

  async insert(tx: TransactionScope, binding: DeviceBinding): Promise<void> {
    await tx.manager.query(
      `INSERT INTO device_bindings (${BINDING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        binding.id,
        this.fields.encrypt(IDENTITY_PURPOSES.DEVICE_BINDING_PHONE, binding.phone),
        binding.deviceId,
        JSON.stringify(binding.deviceKey),
        binding.deviceKeyThumbprint,
        binding.tokenHash,
        binding.status,
        binding.userId,
        binding.createdAt,
        binding.expiresAt,
        binding.confirmedAt,
        binding.boundAt,
        binding.revokedAt,
      ],
    );
  }

  async findById(id: string): Promise<DeviceBinding | null> {
    const rows: BindingRow[] = await this.dataSource.query(`SELECT ${BINDING_COLUMNS} FROM device_bindings WHERE id = $1`, [id]);
    return rows.length === 1 ? toBinding(this.fields, rows[0]) : null;
  }

  async lockById(tx: TransactionScope, id: string): Promise<DeviceBinding | null> {
    const rows: BindingRow[] = await tx.manager.query(`SELECT ${BINDING_COLUMNS} FROM device_bindings WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length === 1 ? toBinding(this.fields, rows[0]) : null;
  }

  async lockByTokenHash(tx: TransactionScope, tokenHash: string): Promise<DeviceBinding | null> {
    const rows: BindingRow[] = await tx.manager.query(`SELECT ${BINDING_COLUMNS} FROM device_bindings WHERE token_hash = $1 FOR UPDATE`, [tokenHash]);
    return rows.length === 1 ? toBinding(this.fields, rows[0]) : null;
  }

  async markConfirmed(tx: TransactionScope, id: string, confirmedAt: Date): Promise<void> {
    await tx.manager.query(`UPDATE device_bindings SET status = 'confirmed', confirmed_at = $2 WHERE id = $1 AND status = 'pending'`, [id, confirmedAt]);
  }

  async activate(tx: TransactionScope, id: string, userId: string, boundAt: Date): Promise<void> {
    await tx.manager.query(`UPDATE device_bindings SET status = 'active', user_id = $2, bound_at = $3 WHERE id = $1 AND status = 'confirmed'`, [id, userId, boundAt]);
  }

  async activeIdsOfUser(tx: TransactionScope, userId: string, exceptId: string): Promise<string[]> {
    const rows: { id: string }[] = await tx.manager.query(`SELECT id FROM device_bindings WHERE user_id = $1 AND status = 'active' AND id <> $2 ORDER BY id FOR UPDATE`, [
      userId,
      exceptId,
    ]);
    return rows.map((row) => row.id);
  }

  async revoke(tx: TransactionScope, ids: readonly string[], revokedAt: Date, reason: RevocationReason): Promise<string[]> {
    if (ids.length === 0) return [];
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING as [rows, count].
    const revoked: { id: string }[] = await tx.manager.query(
      `WITH revoked AS (
         UPDATE device_bindings SET status = 'revoked', revoked_at = $2, revoked_reason = $3 WHERE id = ANY($1::uuid[]) AND status <> 'revoked' RETURNING id
       ) SELECT id FROM revoked ORDER BY id`,
      [ids, revokedAt, reason],
    );
    const revokedIds = revoked.map((row) => row.id);
    if (revokedIds.length === 0) return [];
    await tx.manager.query(`UPDATE refresh_tokens SET status = 'revoked' WHERE binding_id = ANY($1::uuid[]) AND status <> 'revoked'`, [revokedIds]);
    await tx.manager.query('SELECT pg_advisory_xact_lock($1)', [REVOCATION_FEED_LOCK]);
    await tx.manager.query(
      `INSERT INTO device_binding_revocations (binding_id, revoked_at, reason) SELECT unnest($1::uuid[]), $2, $3`,
      [revokedIds, revokedAt, reason],
    );
    return revokedIds;
  }

  async isActive(id: string): Promise<boolean> {
    const rows: { status: string }[] = await this.dataSource.query('SELECT status FROM device_bindings WHERE id = $1', [id]);
    return rows.length === 1 && rows[0].status === 'active';
  }

  async revocationsAfter(position: string | null, since: Date, limit: number): Promise<BindingRevocation[]> {
    const rows: { position: string; binding_id: string; revoked_at: Date }[] =
      position === null
        ? await this.dataSource.query('SELECT position, binding_id, revoked_at FROM device_binding_revocations WHERE revoked_at >= $1 ORDER BY position LIMIT $2', [since, limit])
        : await this.dataSource.query('SELECT position, binding_id, revoked_at FROM device_binding_revocations WHERE position > $1 ORDER BY position LIMIT $2', [position, limit]);
    return rows.map((row) => ({ position: String(row.position), bindingId: row.binding_id, revokedAt: row.revoked_at }));
  }

  async lastRevocationPosition(): Promise<string> {
    const rows: { position: string | null }[] = await this.dataSource.query('SELECT max(position) AS position FROM device_binding_revocations');
    return String(rows[0]?.position ?? '0');
  }
}

interface RefreshTokenRow {
  id: string;
  binding_id: string;
  token_hash: string;
  status: RefreshToken['status'];
  issued_at: Date;
  expires_at: Date;
}

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  async insert(tx: TransactionScope, token: RefreshToken): Promise<void> {
    await tx.manager.query('INSERT INTO refresh_tokens (id, binding_id, token_hash, status, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      token.id,
      token.bindingId,
      token.tokenHash,
      token.status,
      token.issuedAt,
      token.expiresAt,
    ]);
  }

  async lockByHash(tx: TransactionScope, tokenHash: string): Promise<RefreshToken | null> {
    const rows: RefreshTokenRow[] = await tx.manager.query(
      'SELECT id, binding_id, token_hash, status, issued_at, expires_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE',
      [tokenHash],
    );
    if (rows.length !== 1) return null;
    const row = rows[0];
    return { id: row.id, bindingId: row.binding_id, tokenHash: row.token_hash, status: row.status, issuedAt: row.issued_at, expiresAt: row.expires_at };
  }

  async lockAllOfBinding(tx: TransactionScope, bindingId: string): Promise<void> {
    await tx.manager.query('SELECT id FROM refresh_tokens WHERE binding_id = $1 ORDER BY id FOR UPDATE', [bindingId]);
  }

  async markRotated(tx: TransactionScope, id: string, rotatedAt: Date): Promise<void> {
    await tx.manager.query(`UPDATE refresh_tokens SET status = 'rotated', rotated_at = $2 WHERE id = $1 AND status = 'active'`, [id, rotatedAt]);
  }
}

@Injectable()
export class TypeOrmReplayGuard extends ReplayGuard {
  async hasWebhook(tx: TransactionScope, webhookId: string): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query('SELECT 1 FROM sms_webhook_receipts WHERE webhook_id = $1', [webhookId]);
    return rows.length > 0;
  }

  async recordWebhook(tx: TransactionScope, webhookId: string, receivedAt: Date): Promise<boolean> {
    // ON CONFLICT DO NOTHING, not a caught 23505: a failed statement would abort the transaction.
    const rows: unknown[] = await tx.manager.query(
      'INSERT INTO sms_webhook_receipts (webhook_id, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING webhook_id',
      [webhookId, receivedAt],
    );
    return rows.length === 1;
  }

  async consumeProofJti(tx: TransactionScope, bindingId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(
      'INSERT INTO device_proof_jtis (binding_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING jti',
      [bindingId, jti, expiresAt],
    );
    return rows.length === 1;
  }
}

@Injectable()
export class TypeOrmAttemptCounterRepository extends AttemptCounterRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lookups: LookupHasher,
  ) {
    super();
  }

  /**
   * Outside any transaction on purpose: an attempt counts even when the request then fails. The
   * bucket may name a phone number, so only its keyed hash is stored (a plain SHA-256 of a phone
   * number is reversed by hashing every number; docs/data-at-rest.md).
   */
  async increment(bucket: string, windowStart: Date, windowEnd: Date): Promise<number> {
    const rows: { attempts: number }[] = await this.dataSource.query(
      `INSERT INTO attempt_counters (bucket, window_start, window_end, attempts) VALUES ($1, $2, $3, 1)
       ON CONFLICT (bucket, window_start) DO UPDATE SET attempts = attempt_counters.attempts + 1
       RETURNING attempts`,
      [this.lookups.opaqueKey(ATTEMPT_COUNTER_HASH_KIND, bucket), windowStart, windowEnd],
    );
    return Number(rows[0]?.attempts ?? 0);
  }
}
