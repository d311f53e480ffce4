import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { TransactionScope } from '@kirim/messaging';
import { FieldEncryption } from '@kirim/platform';
import { DataSource, EntityManager } from 'typeorm';
import { IDENTITY_PURPOSES } from '../persistence/identity-personal-data';
import type { LinkedBankAccount } from './linked-bank-account';
import { LinkedBankAccountEntity } from './linked-bank-account.entity';
import { LinkedBankAccountRepository } from './linked-bank-account.repository';

/**
 * Linked accounts in PostgreSQL. The bank-registered holder name is encrypted here and nowhere else
 * (docs/data-at-rest.md); the masked account number stays clear (it is what every screen shows, and
 * four digits identify nobody).
 */
@Injectable()
export class TypeOrmLinkedBankAccountRepository extends LinkedBankAccountRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fields: FieldEncryption,
  ) {
    super();
  }

  listByUser(userId: string): Promise<LinkedBankAccount[]> {
    return this.list(this.dataSource.manager, userId);
  }

  listByUserIn(tx: TransactionScope, userId: string): Promise<LinkedBankAccount[]> {
    return this.list(tx.manager, userId);
  }

  private async list(manager: EntityManager, userId: string): Promise<LinkedBankAccount[]> {
    const entities = await manager.getRepository(LinkedBankAccountEntity).find({ where: { userId }, order: { isPrimary: 'DESC', linkedAt: 'ASC' } });
    return entities.map((entity) => this.toLinkedBankAccount(entity));
  }

  async findPrimary(userId: string): Promise<LinkedBankAccount | null> {
    const entity = await this.dataSource.getRepository(LinkedBankAccountEntity).findOneBy({ userId, isPrimary: true });
    return entity ? this.toLinkedBankAccount(entity) : null;
  }

  async insert(tx: TransactionScope, account: LinkedBankAccount): Promise<void> {
    const { holderName, ...rest } = account;
    await tx.manager
      .getRepository(LinkedBankAccountEntity)
      .insert({ ...rest, holderNameEncrypted: holderName === null ? null : this.fields.encrypt(IDENTITY_PURPOSES.LINKED_ACCOUNT_HOLDER_NAME, holderName) });
  }

  private toLinkedBankAccount(entity: LinkedBankAccountEntity): LinkedBankAccount {
    return {
      id: entity.id,
      userId: entity.userId,
      bankCode: entity.bankCode,
      accountRef: entity.accountRef,
      maskedAccountNumber: entity.maskedAccountNumber,
      holderName: entity.holderNameEncrypted === null ? null : this.fields.decrypt(IDENTITY_PURPOSES.LINKED_ACCOUNT_HOLDER_NAME, entity.holderNameEncrypted),
      bankName: entity.bankName,
      isPrimary: entity.isPrimary,
      linkedAt: entity.linkedAt,
    };
  }
}
