import type { TransactionScope } from '@kirim/messaging';
import type { BindingRevocation, DeviceBinding, RefreshToken, RevocationReason } from './device-binding';

/** Device bindings and what hangs off them. The transaction comes first, as everywhere. */
export abstract class DeviceBindingRepository {
  abstract insert(tx: TransactionScope, binding: DeviceBinding): Promise<void>;

  abstract findById(id: string): Promise<DeviceBinding | null>;

  /** Reads and locks the binding until `tx` ends. */
  abstract lockById(tx: TransactionScope, id: string): Promise<DeviceBinding | null>;

  /** Reads and locks the binding whose token hashes to `tokenHash`. */
  abstract lockByTokenHash(tx: TransactionScope, tokenHash: string): Promise<DeviceBinding | null>;

  abstract markConfirmed(tx: TransactionScope, id: string, confirmedAt: Date): Promise<void>;

  abstract activate(tx: TransactionScope, id: string, userId: string, boundAt: Date): Promise<void>;

  /**
   * Revokes the given bindings (those still active), their refresh tokens, and appends them to the
   * revocation feed. Returns the ids it revoked.
   */
  abstract revoke(tx: TransactionScope, ids: readonly string[], revokedAt: Date, reason: RevocationReason): Promise<string[]>;

  /** The user's active bindings other than `exceptId`. */
  abstract activeIdsOfUser(tx: TransactionScope, userId: string, exceptId: string): Promise<string[]>;

  /** Whether the binding is active now (identity checks its own tokens against this). */
  abstract isActive(id: string): Promise<boolean>;

  /** Revocations after `position` (null: those at or after `since`), in feed order. */
  abstract revocationsAfter(position: string | null, since: Date, limit: number): Promise<BindingRevocation[]>;

  /** The feed's current end, so a first reader with nothing to read still gets a cursor. */
  abstract lastRevocationPosition(): Promise<string>;
}

export abstract class RefreshTokenRepository {
  abstract insert(tx: TransactionScope, token: RefreshToken): Promise<void>;

  abstract lockByHash(tx: TransactionScope, tokenHash: string): Promise<RefreshToken | null>;

  /**
   * Locks every refresh token of a binding. Whoever revokes a binding takes these before the
   * binding's row, the order a refresh takes them in (token, then binding), so the two cannot deadlock.
   */
  abstract lockAllOfBinding(tx: TransactionScope, bindingId: string): Promise<void>;

  abstract markRotated(tx: TransactionScope, id: string, rotatedAt: Date): Promise<void>;
}

/** One-time values: a Standard Webhooks webhook-id, a device proof's jti. */
export abstract class ReplayGuard {
  abstract hasWebhook(tx: TransactionScope, webhookId: string): Promise<boolean>;

  /** Records the webhook-id; false when it was already there (a concurrent replay). */
  abstract recordWebhook(tx: TransactionScope, webhookId: string, receivedAt: Date): Promise<boolean>;

  /** Records a proof's jti for the binding; false when it was already used. */
  abstract consumeProofJti(tx: TransactionScope, bindingId: string, jti: string, expiresAt: Date): Promise<boolean>;
}
