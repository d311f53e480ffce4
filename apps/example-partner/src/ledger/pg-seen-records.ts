import type { Pool } from 'pg';
import type { RecordPosition, SeenClaim, SeenRecordStore } from '@kirim/partner-kit';

/** Replay refusal shared by every replica of the bank: the kit's SeenRecordStore in a table. */
export class PgSeenRecordStore implements SeenRecordStore {
  constructor(private readonly pool: Pool) {}

  async claim(ceId: string, position: RecordPosition, keepUntil: Date): Promise<SeenClaim> {
    const inserted = await this.pool.query(
      'INSERT INTO seen_records (ce_id, topic, partition, "offset", keep_until) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ce_id) DO NOTHING RETURNING ce_id',
      [ceId, position.topic, position.partition, position.offset, keepUntil],
    );
    if (inserted.rowCount === 1) return { kind: 'first' };
    const { rows } = await this.pool.query<{ topic: string; partition: number; offset: string; handled: boolean }>('SELECT topic, partition, "offset", handled FROM seen_records WHERE ce_id = $1', [ceId]);
    const known = rows[0];
    // Pruned between the two statements: it is as good as unseen (and late by now, which freshness refuses).
    if (!known) return { kind: 'first' };
    const same = known.topic === position.topic && known.partition === position.partition && known.offset === position.offset;
    return same ? { kind: 'same-record', handled: known.handled } : { kind: 'seen-elsewhere', firstSeenAt: { topic: known.topic, partition: known.partition, offset: known.offset } };
  }

  async markHandled(ceIds: readonly string[]): Promise<void> {
    if (ceIds.length === 0) return;
    await this.pool.query('UPDATE seen_records SET handled = true WHERE ce_id = ANY($1::text[])', [ceIds]);
  }

  async prune(now: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM seen_records WHERE keep_until < $1', [now]);
    return result.rowCount ?? 0;
  }
}
