import type { PayeeLookupBucketPolicy } from './payee-lookup-bucket';

export type BucketTake = { readonly taken: true } | { readonly taken: false; readonly level: number };

/** Each user's payee-lookup bucket (port); TypeOrmPayeeLookupBucketRepository keeps one row per user in PostgreSQL. */
export abstract class PayeeLookupBucketRepository {
  /**
   * Refills the user's bucket to `now` and takes `cost` tokens, atomically: only if the refilled
   * level holds them (then `taken`), else nothing changes and `level` says what it holds.
   */
  abstract take(userId: string, cost: number, now: Date, policy: PayeeLookupBucketPolicy): Promise<BucketTake>;

  /** The level of the user's bucket at `now` (a user without one has a full bucket). */
  abstract levelOf(userId: string, now: Date, policy: PayeeLookupBucketPolicy): Promise<number>;

  /** Puts `tokens` back (never above the capacity). */
  abstract giveBack(userId: string, tokens: number, policy: PayeeLookupBucketPolicy): Promise<void>;
}
