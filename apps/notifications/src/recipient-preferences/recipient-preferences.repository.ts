import type { InTransaction } from '@kirim/messaging';
import type { RecipientPreferences } from './recipient-preferences';

/** Where each user's receipt language and time zone are kept (a port; its adapter is typeorm-recipient-preferences.repository.ts). */
export abstract class RecipientPreferencesRepository {
  /**
   * Stores `preferences` unless what is stored for the user has a changedAt as late or later: an
   * event redelivered, or overtaken by a newer one, changes nothing. True when it was stored.
   */
  abstract saveIfNewer(tx: InTransaction, preferences: RecipientPreferences): Promise<boolean>;

  /** The stored preferences of these users, in one query; a user with none is absent from the map. */
  abstract findByUserIds(tx: InTransaction, userIds: readonly string[]): Promise<ReadonlyMap<string, RecipientPreferences>>;
}
