import { Injectable } from '@nestjs/common';
import type { UserPreferencesChanged } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import { RecipientPreferencesRepository } from '../recipient-preferences.repository';

export interface ApplyRecipientPreferencesCommand {
  readonly preferences: UserPreferencesChanged;
}

export interface ApplyRecipientPreferencesResult {
  /** False when what is stored is as new or newer (a redelivery, or an event overtaken by a later one). */
  readonly applied: boolean;
}

/**
 * Keeps the language and time zone identity announced for a user, for the receipts written after
 * it. Events of one user share a partition (key: userId) but a redelivery after a rebalance, or a
 * dead letter replayed later, can bring an old one back after a newer one: only a later changedAt
 * replaces what is stored. The event carries both values as they stand, so the latest alone is right.
 */
@Injectable()
export class ApplyRecipientPreferences {
  constructor(private readonly preferences: RecipientPreferencesRepository) {}

  async execute(tx: InTransaction, command: ApplyRecipientPreferencesCommand): Promise<ApplyRecipientPreferencesResult> {
    const { userId, locale, timeZone, changedAt } = command.preferences;
    const applied = await this.preferences.saveIfNewer(tx, { userId, locale: locale ?? null, timeZone: timeZone ?? null, changedAt: new Date(changedAt) });
    return { applied };
  }
}
