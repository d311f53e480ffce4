import { Injectable } from '@nestjs/common';
import { canonicalLocaleTag, EVENT_TYPES, isIanaTimeZone, UserPreferencesChanged } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { laterThan } from '../change-instants';
import type { User, UserPreferences } from '../user';
import { UserRepository } from '../user.repository';

export interface UpdatePreferencesCommand {
  readonly userId: string;
  /** A BCP 47 tag; stored in its canonical form. Absent: kept as it is. */
  readonly locale?: string;
  /** An IANA time zone; stored as given. Absent: kept as it is. */
  readonly timeZone?: string;
}

export type UpdatePreferencesResult =
  | { readonly ok: true; readonly user: User; readonly changed: boolean }
  | { readonly ok: false; readonly code: 'user-not-found' | 'invalid-locale' | 'invalid-time-zone' };

/**
 * Sets the language and time zone a user reads receipts in, and announces them
 * (UserPreferencesChanged via the outbox, in the same transaction) so notifications writes the next
 * receipt in them. The event carries both values as they now stand, never the phone or the name.
 */
@Injectable()
export class UpdatePreferences {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdatePreferencesCommand): Promise<UpdatePreferencesResult> {
    // The controller validated both already; checked again so no caller can store what Intl refuses.
    const locale = command.locale === undefined ? undefined : canonicalLocaleTag(command.locale);
    if (locale === null) return { ok: false, code: 'invalid-locale' };
    if (command.timeZone !== undefined && !isIanaTimeZone(command.timeZone)) return { ok: false, code: 'invalid-time-zone' };

    return this.transactions.run(async (tx) => {
      // Locked so two changes of one user are stored and announced in one order, with rising changedAt.
      const user = await this.users.lockById(tx, command.userId);
      if (!user) return { ok: false, code: 'user-not-found' } as const;
      const before: UserPreferences = user.preferences ?? { locale: null, timeZone: null, changedAt: null };
      const next = { locale: locale ?? before.locale, timeZone: command.timeZone ?? before.timeZone };
      // Nothing new (a client repeating its request): nothing stored, nothing announced.
      if (next.locale === before.locale && next.timeZone === before.timeZone) return { ok: true, user, changed: false } as const;

      const changedAt = laterThan(before.changedAt, this.clock.now());
      await this.users.savePreferences(tx, user.id, { ...next, changedAt });
      await tx.publish<UserPreferencesChanged>({
        type: EVENT_TYPES.USER_PREFERENCES_CHANGED,
        key: user.id,
        data: {
          userId: user.id,
          ...(next.locale !== null ? { locale: next.locale } : {}),
          ...(next.timeZone !== null ? { timeZone: next.timeZone } : {}),
          changedAt: changedAt.toISOString(),
        },
      });
      return { ok: true, user: { ...user, preferences: { ...next, changedAt } }, changed: true } as const;
    });
  }
}
