import type { InTransaction } from '@kirim/messaging';
import type { PaymentAddress } from '../payment-addresses/payment-address';
import { AddressInsertOutcome, PaymentAddressRepository } from '../payment-addresses/payment-address.repository';
import { bucketLevelAt, PayeeLookupBucketPolicy, StoredBucket } from '../payees/payee-lookup-bucket';
import { BucketTake, PayeeLookupBucketRepository } from '../payees/payee-lookup-bucket.repository';

/*
 * In-memory stand-ins for the payment-address and payee-lookup ports, for unit specs (no I/O). They
 * keep the database's rules (unique handle without case, unique skeleton, one primary per user, one
 * address per merchant, a merchant's address never primary nor default) so the use cases' answers to
 * a collision can be tested without PostgreSQL.
 */

export class InMemoryPaymentAddresses extends PaymentAddressRepository {
  readonly rows: (PaymentAddress & { skeleton: string })[] = [];

  async listByUser(userId: string): Promise<PaymentAddress[]> {
    return this.rows
      .filter((row) => row.userId === userId && row.merchantId === null)
      .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.createdAt.getTime() - b.createdAt.getTime())
      .map(withoutSkeleton);
  }

  async listByUserIn(_tx: InTransaction, userId: string): Promise<PaymentAddress[]> {
    return this.listByUser(userId);
  }

  async findByHandle(handle: string): Promise<PaymentAddress | null> {
    const row = this.rows.find((candidate) => candidate.handle.toLowerCase() === handle.toLowerCase());
    return row ? withoutSkeleton(row) : null;
  }

  async findByMerchantIn(_tx: InTransaction, merchantId: string): Promise<PaymentAddress | null> {
    const row = this.rows.find((candidate) => candidate.merchantId === merchantId);
    return row ? withoutSkeleton(row) : null;
  }

  async findPrimary(userId: string): Promise<PaymentAddress | null> {
    const row = this.rows.find((candidate) => candidate.userId === userId && candidate.isPrimary);
    return row ? withoutSkeleton(row) : null;
  }

  async existsWithSkeleton(skeleton: string): Promise<boolean> {
    return this.rows.some((row) => row.skeleton === skeleton);
  }

  async insertIfFree(_tx: InTransaction, address: PaymentAddress, skeleton: string): Promise<AddressInsertOutcome> {
    if (await this.findByHandle(address.handle)) return 'handle-taken';
    if (await this.existsWithSkeleton(skeleton)) return 'skeleton-taken';
    if (address.isPrimary && (await this.findPrimary(address.userId))) throw new Error('unique violation: one primary per user');
    if (address.merchantId !== null && (address.isPrimary || address.isDefault)) throw new Error('check violation: a merchant address is never primary or default');
    if (address.merchantId !== null && this.rows.some((row) => row.merchantId === address.merchantId)) throw new Error('unique violation: one address per merchant');
    this.rows.push({ ...address, skeleton });
    return 'inserted';
  }

  async makePrimary(_tx: InTransaction, userId: string, addressId: string): Promise<void> {
    for (const [index, row] of this.rows.entries()) {
      if (row.userId === userId) this.rows[index] = { ...row, isPrimary: row.id === addressId };
    }
  }

  async delete(_tx: InTransaction, addressId: string): Promise<void> {
    const index = this.rows.findIndex((row) => row.id === addressId);
    if (index >= 0) this.rows.splice(index, 1);
  }
}

function withoutSkeleton(row: PaymentAddress & { skeleton: string }): PaymentAddress {
  const { skeleton: _skeleton, ...address } = row;
  return address;
}

/** The bucket arithmetic of payee-lookup-bucket.ts over a map, as the SQL adapter does it in one statement. */
export class InMemoryPayeeLookupBuckets extends PayeeLookupBucketRepository {
  readonly buckets = new Map<string, StoredBucket>();

  async take(userId: string, cost: number, now: Date, policy: PayeeLookupBucketPolicy): Promise<BucketTake> {
    const stored = this.buckets.get(userId) ?? null;
    const level = bucketLevelAt(stored, now, policy);
    if (level < cost) return { taken: false, level };
    const refilledAt = stored && stored.refilledAt > now ? stored.refilledAt : now;
    this.buckets.set(userId, { tokens: level - cost, refilledAt });
    return { taken: true };
  }

  async levelOf(userId: string, now: Date, policy: PayeeLookupBucketPolicy): Promise<number> {
    return bucketLevelAt(this.buckets.get(userId) ?? null, now, policy);
  }

  async giveBack(userId: string, tokens: number, policy: PayeeLookupBucketPolicy): Promise<void> {
    const stored = this.buckets.get(userId);
    if (stored) this.buckets.set(userId, { ...stored, tokens: Math.min(policy.capacity, stored.tokens + tokens) });
  }
}
