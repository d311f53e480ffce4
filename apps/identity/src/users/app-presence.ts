import { EVENT_TYPES, UserAppPresenceChanged } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { laterThan } from './change-instants';
import type { User } from './user';
import { UserRepository } from './user.repository';

/**
 * Announces whether the user has the app on a device (identity.user.app-presence-changed.v1, via the
 * outbox in `tx`): notifications sends receipts by SMS to users without it. Call it with the user's
 * row locked (`user` read under that lock), so announcements of one user are stored in one order and
 * each `changedAt` is later than the last. Only the id: the phone number stays here, notifications
 * asks for it when it sends (INTERNAL_OPERATIONS.GET_SMS_NUMBER). Returns the `changedAt`.
 */
export async function announceAppPresence(tx: TransactionScope, users: UserRepository, user: User, hasApp: boolean, now: Date): Promise<Date> {
  const changedAt = laterThan(user.appPresenceChangedAt, now);
  await users.saveAppPresenceChangedAt(tx, user.id, changedAt);
  await tx.publish<UserAppPresenceChanged>({ type: EVENT_TYPES.USER_APP_PRESENCE_CHANGED, key: user.id, data: { userId: user.id, hasApp, changedAt: changedAt.toISOString() } });
  return changedAt;
}
