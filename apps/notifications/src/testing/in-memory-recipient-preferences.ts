import type { InTransaction } from '@kirim/messaging';
import type { RecipientPreferences } from '../recipient-preferences/recipient-preferences';
import { RecipientPreferencesRepository } from '../recipient-preferences/recipient-preferences.repository';

/** RecipientPreferencesRepository in memory, with the adapter's newer-only rule; counts lookups. */
export class InMemoryRecipientPreferences extends RecipientPreferencesRepository {
  readonly rows = new Map<string, RecipientPreferences>();
  readonly lookups: (readonly string[])[] = [];

  async saveIfNewer(_tx: InTransaction, preferences: RecipientPreferences): Promise<boolean> {
    const stored = this.rows.get(preferences.userId);
    if (stored && stored.changedAt.getTime() >= preferences.changedAt.getTime()) return false;
    this.rows.set(preferences.userId, preferences);
    return true;
  }

  async findByUserIds(_tx: InTransaction, userIds: readonly string[]): Promise<ReadonlyMap<string, RecipientPreferences>> {
    this.lookups.push([...userIds]);
    return new Map(userIds.flatMap((userId) => (this.rows.has(userId) ? [[userId, this.rows.get(userId) as RecipientPreferences] as const] : [])));
  }
}
