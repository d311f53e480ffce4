import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bucketLevelAt, PayeeLookupBucketPolicy } from './payee-lookup-bucket';
import { BucketTake, PayeeLookupBucketRepository } from './payee-lookup-bucket.repository';

/** Where a statement that takes tokens finds its values: SQL expressions, usually parameters. */
export interface BucketTakeParameters {
  readonly userId: string;
  readonly capacity: string;
  readonly cost: string;
  readonly now: string;
  /** Tokens refilled per second. */
  readonly perSecond: string;
}

/**
 * The statement that refills a user's bucket to `now` and takes `cost` tokens, returning a row only
 * if it could (bucketLevelAt's arithmetic, in SQL). INSERT ... ON CONFLICT DO UPDATE ... WHERE takes
 * the row lock and re-checks the level on the newest row version, so parallel lookups by one user
 * on any number of replicas take tokens one after the other and never more than the bucket holds.
 * `when`, if given, is a condition the take is made under (the party read's "the payer exists").
 */
export function takeBucketTokensSql(p: BucketTakeParameters, when?: string): string {
  const refilled = `LEAST(${p.capacity}::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM (${p.now}::timestamptz - b.refilled_at))::float8) * ${p.perSecond}::float8)`;
  return `INSERT INTO payee_lookup_buckets AS b (user_id, tokens, refilled_at)
       SELECT ${p.userId}::uuid, ${p.capacity}::float8 - ${p.cost}::float8, ${p.now}::timestamptz${when === undefined ? '' : ` WHERE ${when}`}
       ON CONFLICT (user_id) DO UPDATE
         SET tokens = ${refilled} - ${p.cost}::float8,
             refilled_at = GREATEST(b.refilled_at, ${p.now}::timestamptz)
         WHERE ${refilled} >= ${p.cost}::float8
       RETURNING tokens`;
}

/** The values of a take's capacity, cost, now and perSecond, in that order. */
export function bucketTakeValues(cost: number, now: Date, policy: PayeeLookupBucketPolicy): [number, number, Date, number] {
  return [policy.capacity, cost, now, policy.refillPerMinute / 60];
}

/** A take whose user is $1 and whose bucketTakeValues are $2–$5: the bucket's own statement and the party read's CTE. */
export const TAKE_AT_PARAMETERS_1_TO_5: BucketTakeParameters = { userId: '$1', capacity: '$2', cost: '$3', now: '$4', perSecond: '$5' };

const TAKE_TOKENS_SQL = takeBucketTokensSql(TAKE_AT_PARAMETERS_1_TO_5);

@Injectable()
export class TypeOrmPayeeLookupBucketRepository extends PayeeLookupBucketRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async take(userId: string, cost: number, now: Date, policy: PayeeLookupBucketPolicy): Promise<BucketTake> {
    const taken = await this.dataSource.query<{ tokens: number }[]>(TAKE_TOKENS_SQL, [userId, ...bucketTakeValues(cost, now, policy)]);
    if (taken.length === 1) return { taken: true };
    return { taken: false, level: await this.levelOf(userId, now, policy) };
  }

  async levelOf(userId: string, now: Date, policy: PayeeLookupBucketPolicy): Promise<number> {
    const rows = await this.dataSource.query<{ tokens: number; refilled_at: Date }[]>(`SELECT tokens, refilled_at FROM payee_lookup_buckets WHERE user_id = $1`, [userId]);
    const stored = rows.length === 0 ? null : { tokens: Number(rows[0].tokens), refilledAt: new Date(rows[0].refilled_at) };
    return bucketLevelAt(stored, now, policy);
  }

  async giveBack(userId: string, tokens: number, policy: PayeeLookupBucketPolicy): Promise<void> {
    if (tokens <= 0) return;
    await this.dataSource.query(`UPDATE payee_lookup_buckets SET tokens = LEAST($2::float8, tokens + $3::float8) WHERE user_id = $1`, [userId, policy.capacity, tokens]);
  }
}
