import type { TransactionScope } from '@kirim/messaging';
import { AttemptCounterRepository } from '../device-bindings/attempt-limits';
import type { BindingRevocation, DeviceBinding, RefreshToken, RevocationReason } from '../device-bindings/device-binding';
import { DeviceBindingRepository, RefreshTokenRepository, ReplayGuard } from '../device-bindings/device-binding.repository';
import { SecretGenerator } from '../device-bindings/secret-generator';

/*
 * In-memory stand-ins for the device-binding ports, for unit specs (no I/O). Rows are replaced,
 * never mutated, so a spec can compare snapshots taken before and after ("nothing changed").
 */

export class InMemoryDeviceBindings extends DeviceBindingRepository {
  readonly rows = new Map<string, DeviceBinding>();
  readonly feed: BindingRevocation[] = [];
  readonly refreshTokens: InMemoryRefreshTokens;

  constructor(refreshTokens: InMemoryRefreshTokens) {
    super();
    this.refreshTokens = refreshTokens;
  }

  async insert(_tx: TransactionScope, binding: DeviceBinding): Promise<void> {
    this.rows.set(binding.id, binding);
  }

  async findById(id: string): Promise<DeviceBinding | null> {
    return this.rows.get(id) ?? null;
  }

  async lockById(_tx: TransactionScope, id: string): Promise<DeviceBinding | null> {
    return this.rows.get(id) ?? null;
  }

  async lockByTokenHash(_tx: TransactionScope, tokenHash: string): Promise<DeviceBinding | null> {
    return [...this.rows.values()].find((row) => row.tokenHash === tokenHash) ?? null;
  }

  async markConfirmed(_tx: TransactionScope, id: string, confirmedAt: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row?.status === 'pending') this.rows.set(id, { ...row, status: 'confirmed', confirmedAt });
  }

  async activate(_tx: TransactionScope, id: string, userId: string, boundAt: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row?.status === 'confirmed') this.rows.set(id, { ...row, status: 'active', userId, boundAt });
  }

  async revoke(_tx: TransactionScope, ids: readonly string[], revokedAt: Date, _reason: RevocationReason): Promise<string[]> {
    const revoked: string[] = [];
    for (const id of ids) {
      const row = this.rows.get(id);
      if (!row || row.status === 'revoked') continue;
      this.rows.set(id, { ...row, status: 'revoked', revokedAt });
      this.refreshTokens.revokeBinding(id);
      this.feed.push({ position: String(this.feed.length + 1), bindingId: id, revokedAt });
      revoked.push(id);
    }
    return revoked;
  }

  async activeIdsOfUser(_tx: TransactionScope, userId: string, exceptId: string): Promise<string[]> {
    return [...this.rows.values()].filter((row) => row.userId === userId && row.status === 'active' && row.id !== exceptId).map((row) => row.id);
  }

  async isActive(id: string): Promise<boolean> {
    return this.rows.get(id)?.status === 'active';
  }

  async revocationsAfter(position: string | null, since: Date, limit: number): Promise<BindingRevocation[]> {
    return this.feed.filter((entry) => (position === null ? entry.revokedAt >= since : Number(entry.position) > Number(position))).slice(0, limit);
  }

  async lastRevocationPosition(): Promise<string> {
    return String(this.feed.length);
  }
}

export class InMemoryRefreshTokens extends RefreshTokenRepository {
  readonly rows = new Map<string, RefreshToken>();

  async insert(_tx: TransactionScope, token: RefreshToken): Promise<void> {
    this.rows.set(token.id, token);
  }

  async lockByHash(_tx: TransactionScope, tokenHash: string): Promise<RefreshToken | null> {
    return [...this.rows.values()].find((row) => row.tokenHash === tokenHash) ?? null;
  }

  async lockAllOfBinding(): Promise<void> {
    // One process, one caller at a time: nothing to lock.
  }

  async markRotated(_tx: TransactionScope, id: string): Promise<void> {
    const row = this.rows.get(id);
    if (row?.status === 'active') this.rows.set(id, { ...row, status: 'rotated' });
  }

  revokeBinding(bindingId: string): void {
    for (const [id, row] of this.rows) if (row.bindingId === bindingId) this.rows.set(id, { ...row, status: 'revoked' });
  }
}

export class InMemoryReplayGuard extends ReplayGuard {
  readonly webhooks = new Set<string>();
  readonly jtis = new Set<string>();

  async hasWebhook(_tx: TransactionScope, webhookId: string): Promise<boolean> {
    return this.webhooks.has(webhookId);
  }

  async recordWebhook(_tx: TransactionScope, webhookId: string): Promise<boolean> {
    if (this.webhooks.has(webhookId)) return false;
    this.webhooks.add(webhookId);
    return true;
  }

  async consumeProofJti(_tx: TransactionScope, bindingId: string, jti: string): Promise<boolean> {
    const key = `${bindingId}:${jti}`;
    if (this.jtis.has(key)) return false;
    this.jtis.add(key);
    return true;
  }
}

export class InMemoryAttemptCounters extends AttemptCounterRepository {
  readonly counts = new Map<string, number>();

  async increment(bucket: string, windowStart: Date): Promise<number> {
    const key = `${bucket}@${windowStart.toISOString()}`;
    const next = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, next);
    return next;
  }
}

/** Predictable secrets of the right shape: binding-token-1..., krt_refresh-1... */
export class SequentialSecrets extends SecretGenerator {
  private next = 1;

  bindingToken(): string {
    return `binding-token-${String(this.next++).padStart(29, '0')}`;
  }

  refreshToken(): string {
    return `krt_refresh-token-${String(this.next++).padStart(29, '0')}`;
  }
}
