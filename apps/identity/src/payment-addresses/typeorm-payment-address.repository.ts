import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { InTransaction } from '@kirim/messaging';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { PaymentAddress } from './payment-address';
import { PaymentAddressEntity } from './payment-address.entity';
import { AddressInsertOutcome, PaymentAddressRepository } from './payment-address.repository';

function toPaymentAddress(entity: PaymentAddressEntity): PaymentAddress {
  return {
    id: entity.id,
    userId: entity.userId,
    handle: entity.handle,
    isPrimary: entity.isPrimary,
    isDefault: entity.isDefault,
    merchantId: entity.merchantId,
    createdAt: entity.createdAt,
  };
}

@Injectable()
export class TypeOrmPaymentAddressRepository extends PaymentAddressRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  listByUser(userId: string): Promise<PaymentAddress[]> {
    return this.list(this.dataSource.manager, userId);
  }

  listByUserIn(tx: InTransaction, userId: string): Promise<PaymentAddress[]> {
    return this.list(tx.manager, userId);
  }

  private async list(manager: EntityManager, userId: string): Promise<PaymentAddress[]> {
    // A merchant's address is its owner's to keep only as the merchant's: not theirs to list, count, make primary or remove.
    const entities = await manager.getRepository(PaymentAddressEntity).find({ where: { userId, merchantId: IsNull() }, order: { isPrimary: 'DESC', createdAt: 'ASC', handle: 'ASC' } });
    return entities.map(toPaymentAddress);
  }

  async findByHandle(handle: string): Promise<PaymentAddress | null> {
    // lower(handle) is what the unique index covers; handles are stored lowercase anyway.
    const entity = await this.dataSource
      .getRepository(PaymentAddressEntity)
      .createQueryBuilder('address')
      .where('lower(address.handle) = lower(:handle)', { handle })
      .getOne();
    return entity ? toPaymentAddress(entity) : null;
  }

  async findByMerchantIn(tx: InTransaction, merchantId: string): Promise<PaymentAddress | null> {
    const entity = await tx.manager.getRepository(PaymentAddressEntity).findOneBy({ merchantId });
    return entity ? toPaymentAddress(entity) : null;
  }

  async findPrimary(userId: string): Promise<PaymentAddress | null> {
    const entity = await this.dataSource.getRepository(PaymentAddressEntity).findOneBy({ userId, isPrimary: true });
    return entity ? toPaymentAddress(entity) : null;
  }

  async existsWithSkeleton(skeleton: string): Promise<boolean> {
    return this.dataSource.getRepository(PaymentAddressEntity).existsBy({ skeleton });
  }

  async insertIfFree(tx: InTransaction, address: PaymentAddress, skeleton: string): Promise<AddressInsertOutcome> {
    // ON CONFLICT DO NOTHING (any unique index: handle, skeleton, one primary, one per merchant) rather
    // than catching 23505, which would abort the caller's transaction (the user's creation, for a default address).
    const inserted = await tx.manager.query<{ id: string }[]>(
      `INSERT INTO payment_addresses (id, user_id, handle, skeleton, is_primary, is_default, merchant_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [address.id, address.userId, address.handle, skeleton, address.isPrimary, address.isDefault, address.merchantId, address.createdAt],
    );
    if (inserted.length === 1) return 'inserted';
    const sameHandle = await tx.manager.query<unknown[]>(`SELECT 1 FROM payment_addresses WHERE lower(handle) = lower($1)`, [address.handle]);
    return sameHandle.length > 0 ? 'handle-taken' : 'skeleton-taken';
  }

  async makePrimary(tx: InTransaction, userId: string, addressId: string): Promise<void> {
    // Two statements in this order: the partial unique index allows one primary per user at any moment.
    await tx.manager.query(`UPDATE payment_addresses SET is_primary = false WHERE user_id = $1 AND is_primary AND id <> $2`, [userId, addressId]);
    await tx.manager.query(`UPDATE payment_addresses SET is_primary = true WHERE user_id = $1 AND id = $2`, [userId, addressId]);
  }

  async delete(tx: InTransaction, addressId: string): Promise<void> {
    await tx.manager.query(`DELETE FROM payment_addresses WHERE id = $1`, [addressId]);
  }
}
