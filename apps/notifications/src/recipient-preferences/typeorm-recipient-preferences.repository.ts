import type { InTransaction } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import type { AnnouncedAppPresence, AnnouncedPreferences, RecipientPreferences } from './recipient-preferences';
import { RecipientPreferencesRepository } from './recipient-preferences.repository';

interface PreferencesRow {
  user_id: string;
  locale: string | null;
  time_zone: string | null;
  changed_at: Date | null;
  has_app: boolean | null;
  app_presence_changed_at: Date | null;
}

/**
 * PostgreSQL adapter of RecipientPreferencesRepository (plain SQL: each newer-only upsert is one
 * statement). Needs no DataSource: every call runs in the consumer batch's transaction.
 */
export class TypeOrmRecipientPreferencesRepository extends RecipientPreferencesRepository {
  /** Per transaction (its EntityManager), the users rememberUsers read: each one's preferences, or null when none are stored. */
  private readonly remembered = new WeakMap<EntityManager, Map<string, RecipientPreferences | null>>();

  async saveIfNewer(tx: InTransaction, preferences: AnnouncedPreferences): Promise<boolean> {
    this.remembered.get(tx.manager)?.delete(preferences.userId);
    // One statement, so two replicas applying two events of one user cannot interleave a read and a
    // write: the row lock taken by ON CONFLICT orders them, and the WHERE keeps the later changedAt.
    // A row made by the app presence alone has no changed_at yet: any preferences are newer.
    const rows: { user_id: string }[] = await tx.manager.query(
      `INSERT INTO recipient_preferences (user_id, locale, time_zone, changed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET locale = EXCLUDED.locale, time_zone = EXCLUDED.time_zone, changed_at = EXCLUDED.changed_at
        WHERE recipient_preferences.changed_at IS NULL OR recipient_preferences.changed_at < EXCLUDED.changed_at
       RETURNING user_id`,
      [preferences.userId, preferences.locale, preferences.timeZone, preferences.changedAt],
    );
    return rows.length === 1;
  }

  async saveAppPresenceIfNewer(tx: InTransaction, presence: AnnouncedAppPresence): Promise<boolean> {
    this.remembered.get(tx.manager)?.delete(presence.userId);
    // As saveIfNewer, on the presence's own columns: the preferences' changed_at plays no part.
    const rows: { user_id: string }[] = await tx.manager.query(
      `INSERT INTO recipient_preferences (user_id, has_app, app_presence_changed_at)
       VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET has_app = EXCLUDED.has_app, app_presence_changed_at = EXCLUDED.app_presence_changed_at
        WHERE recipient_preferences.app_presence_changed_at IS NULL OR recipient_preferences.app_presence_changed_at < EXCLUDED.app_presence_changed_at
       RETURNING user_id`,
      [presence.userId, presence.hasApp, presence.changedAt],
    );
    return rows.length === 1;
  }

  async findByUserIds(tx: InTransaction, userIds: readonly string[]): Promise<ReadonlyMap<string, RecipientPreferences>> {
    if (userIds.length === 0) return new Map();
    const remembered = this.remembered.get(tx.manager);
    if (remembered !== undefined && userIds.every((userId) => remembered.has(userId))) {
      return new Map(userIds.flatMap((userId) => {
        const preferences = remembered.get(userId);
        return preferences ? [[userId, preferences] as const] : [];
      }));
    }
    return this.read(tx, userIds);
  }

  async rememberUsers(tx: InTransaction, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const found = await this.read(tx, userIds);
    this.remembered.set(tx.manager, new Map(userIds.map((userId) => [userId, found.get(userId) ?? null])));
  }

  private async read(tx: InTransaction, userIds: readonly string[]): Promise<Map<string, RecipientPreferences>> {
    const rows: PreferencesRow[] = await tx.manager.query(
      `SELECT user_id, locale, time_zone, changed_at, has_app, app_presence_changed_at FROM recipient_preferences WHERE user_id = ANY($1::uuid[])`,
      [[...new Set(userIds)]],
    );
    return new Map(rows.map((row) => [row.user_id, preferencesOf(row)]));
  }
}

function preferencesOf(row: PreferencesRow): RecipientPreferences {
  const presence = row.has_app !== null && row.app_presence_changed_at !== null ? { hasApp: row.has_app, appPresenceChangedAt: row.app_presence_changed_at } : {};
  return { userId: row.user_id, locale: row.locale, timeZone: row.time_zone, changedAt: row.changed_at, ...presence };
}
