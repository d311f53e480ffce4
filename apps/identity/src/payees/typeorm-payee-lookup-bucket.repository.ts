import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bucketLevelAt, PayeeLookupBucketPolicy } from './payee-lookup-bucket';
import { BucketTake, PayeeLookupBucketRepository } from './payee-lookup-bucket.repository';

/** The refilled level of row `b` at $4, as bucketLevelAt computes it (capacity $2, refill $5 tokens per second). */
const REFILLED_LEVEL = `LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM ($4::timestamptz - b.refilled_at))::float8) * $5::float8)`;

/**
 * One row per user, changed by single statements: INSERT ... ON CONFLICT DO UPDATE ... WHERE takes
 * the row lock and re-checks the level on the newest row version, so parallel lookups by one user on
 * any number of replicas take tokens one after the other and never more than the bucket holds.
 */
@Injectable()
export class TypeOrmPayeeLookupBucketRepository extends PayeeLookupBucketRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async take(userId: string, cost: number, now: Date, policy: PayeeLookupBucketPolicy): Promise<BucketTake> {
    const taken = await this.dataSource.query<{ tokens: number }[]>(
      `INSERT INTO payee_lookup_buckets AS b (user_id, tokens, refilled_at)
       VALUES ($1, $2::float8 - $3::float8, $4::timestamptz)
       ON CONFLICT (user_id) DO UPDATE
         SET tokens = ${REFILLED_LEVEL} - $3::float8,
             refilled_at = GREATEST(b.refilled_at, $4::timestamptz)
         WHERE ${REFILLED_LEVEL} >= $3::float8
       RETURNING tokens`,
      [userId, policy.capacity, cost, now, policy.refillPerMinute / 60],
    );
    if (taken.length === 1) return { taken: true };
    const rows = await this.dataSource.query<{ tokens: number; refilled_at: Date }[]>(`SELECT tokens, refilled_at FROM payee_lookup_buckets WHERE user_id = $1`, [userId]);
    const stored = rows.length === 0 ? null : { tokens: Number(rows[0].tokens), refilledAt: new Date(rows[0].refilled_at) };
    return { taken: false, level: bucketLevelAt(stored, now, policy) };
  }

  async giveBack(userId: string, tokens: number, policy: PayeeLookupBucketPolicy): Promise<void> {
    if (tokens <= 0) return;
    await this.dataSource.query(`UPDATE payee_lookup_buckets SET tokens = LEAST($2::float8, tokens + $3::float8) WHERE user_id = $1`, [userId, policy.capacity, tokens]);
  }
}
