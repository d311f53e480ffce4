import type { InTransaction } from '@kirim/messaging';
import type { RecipientPreferences } from './recipient-preferences';
import { RecipientPreferencesRepository } from './recipient-preferences.repository';

interface PreferencesRow {
  user_id: string;
  locale: string | null;
  time_zone: string | null;
  changed_at: Date;
}

/**
 * PostgreSQL adapter of RecipientPreferencesRepository (plain SQL: the newer-only upsert is one
 * statement). Needs no DataSource: every call runs in the consumer batch's transaction.
 */
export class TypeOrmRecipientPreferencesRepository extends RecipientPreferencesRepository {
  async saveIfNewer(tx: InTransaction, preferences: RecipientPreferences): Promise<boolean> {
    // One statement, so two replicas applying two events of one user cannot interleave a read and a
    // write: the row lock taken by ON CONFLICT orders them, and the WHERE keeps the later changedAt.
    const rows: { user_id: string }[] = await tx.manager.query(
      `INSERT INTO recipient_preferences (user_id, locale, time_zone, changed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET locale = EXCLUDED.locale, time_zone = EXCLUDED.time_zone, changed_at = EXCLUDED.changed_at
        WHERE recipient_preferences.changed_at < EXCLUDED.changed_at
       RETURNING user_id`,
      [preferences.userId, preferences.locale, preferences.timeZone, preferences.changedAt],
    );
    return rows.length === 1;
  }

  async findByUserIds(tx: InTransaction, userIds: readonly string[]): Promise<ReadonlyMap<string, RecipientPreferences>> {
    if (userIds.length === 0) return new Map();
    const rows: PreferencesRow[] = await tx.manager.query(`SELECT user_id, locale, time_zone, changed_at FROM recipient_preferences WHERE user_id = ANY($1::uuid[])`, [[...new Set(userIds)]]);
    return new Map(rows.map((row) => [row.user_id, { userId: row.user_id, locale: row.locale, timeZone: row.time_zone, changedAt: row.changed_at }]));
  }
}
