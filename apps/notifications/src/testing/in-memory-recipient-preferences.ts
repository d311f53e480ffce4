import type { InTransaction } from '@kirim/messaging';
import type { AnnouncedAppPresence, AnnouncedPreferences, RecipientPreferences } from '../recipient-preferences/recipient-preferences';
import { RecipientPreferencesRepository } from '../recipient-preferences/recipient-preferences.repository';

/** RecipientPreferencesRepository in memory, with the adapter's newer-only rules; counts lookups. */
export class InMemoryRecipientPreferences extends RecipientPreferencesRepository {
  readonly rows = new Map<string, RecipientPreferences>();
  readonly lookups: (readonly string[])[] = [];
  /** The user lists rememberUsers was given (this fake reads its rows every time either way). */
  readonly remembered: (readonly string[])[] = [];

  async saveIfNewer(_tx: InTransaction, preferences: AnnouncedPreferences): Promise<boolean> {
    const stored = this.rows.get(preferences.userId);
    if (stored?.changedAt && stored.changedAt.getTime() >= preferences.changedAt.getTime()) return false;
    this.rows.set(preferences.userId, { ...stored, ...preferences });
    return true;
  }

  async saveAppPresenceIfNewer(_tx: InTransaction, presence: AnnouncedAppPresence): Promise<boolean> {
    const stored = this.rows.get(presence.userId);
    if (stored?.appPresenceChangedAt && stored.appPresenceChangedAt.getTime() >= presence.changedAt.getTime()) return false;
    const preferences = stored ?? { userId: presence.userId, locale: null, timeZone: null, changedAt: null };
    this.rows.set(presence.userId, { ...preferences, hasApp: presence.hasApp, appPresenceChangedAt: presence.changedAt });
    return true;
  }

  async findByUserIds(_tx: InTransaction, userIds: readonly string[]): Promise<ReadonlyMap<string, RecipientPreferences>> {
    this.lookups.push([...userIds]);
    return new Map(userIds.flatMap((userId) => (this.rows.has(userId) ? [[userId, this.rows.get(userId) as RecipientPreferences] as const] : [])));
  }

  async rememberUsers(_tx: InTransaction, userIds: readonly string[]): Promise<void> {
    this.remembered.push([...userIds]);
  }
}
