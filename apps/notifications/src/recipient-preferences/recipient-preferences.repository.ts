import type { InTransaction } from '@kirim/messaging';
import type { AnnouncedAppPresence, AnnouncedPreferences, RecipientPreferences } from './recipient-preferences';

/** Where each user's receipt language, time zone and app presence are kept (a port; its adapter is typeorm-recipient-preferences.repository.ts). */
export abstract class RecipientPreferencesRepository {
  /**
   * Stores `preferences` unless the stored ones have a changedAt as late or later: an event
   * redelivered, or overtaken by a newer one, changes nothing. The app presence is left as it is.
   * True when it was stored.
   */
  abstract saveIfNewer(tx: InTransaction, preferences: AnnouncedPreferences): Promise<boolean>;

  /**
   * Stores `presence` unless the stored presence has a changedAt as late or later (compared with the
   * presence's own changedAt, never the preferences'). The language and time zone are left as they
   * are. True when it was stored.
   */
  abstract saveAppPresenceIfNewer(tx: InTransaction, presence: AnnouncedAppPresence): Promise<boolean>;

  /**
   * What is stored for these users, in one query (none when `tx` remembers them all, see
   * rememberUsers); a user identity announced nothing for is absent from the map.
   */
  abstract findByUserIds(tx: InTransaction, userIds: readonly string[]): Promise<ReadonlyMap<string, RecipientPreferences>>;

  /**
   * Reads these users' preferences once for a consumer chunk: findByUserIds in `tx` of users among
   * them then answers from memory, and a save in `tx` makes its user read from the table again.
   * Read under READ COMMITTED as each handler's own query would be, only at the chunk's start.
   */
  abstract rememberUsers(tx: InTransaction, userIds: readonly string[]): Promise<void>;
}
