import { Injectable } from '@nestjs/common';
import type { UserAppPresenceChanged } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import { RecipientPreferencesRepository } from '../recipient-preferences.repository';

export interface ApplyAppPresenceCommand {
  readonly presence: UserAppPresenceChanged;
}

export interface ApplyAppPresenceResult {
  /** False when the stored presence is as new or newer (a redelivery, or an event overtaken by a later one). */
  readonly applied: boolean;
}

/**
 * Keeps whether a user has the app, as identity announced it, for the receipts written after it:
 * one without it also gets them by SMS (docs/notifications.md). Only a later changedAt replaces the
 * stored presence (a redelivery after a rebalance, or a dead letter replayed after a newer event,
 * changes nothing); it is compared with the presence's own changedAt, never the language's, since
 * the two are announced apart.
 */
@Injectable()
export class ApplyAppPresence {
  constructor(private readonly preferences: RecipientPreferencesRepository) {}

  async execute(tx: InTransaction, command: ApplyAppPresenceCommand): Promise<ApplyAppPresenceResult> {
    const { userId, hasApp, changedAt } = command.presence;
    const applied = await this.preferences.saveAppPresenceIfNewer(tx, { userId, hasApp, changedAt: new Date(changedAt) });
    return { applied };
  }
}
