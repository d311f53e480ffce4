import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { TransactionScope } from '@kirim/messaging';
import { DataSource } from 'typeorm';
import type { LinkedBankAccount } from './linked-bank-account';
import { LinkedBankAccountEntity } from './linked-bank-account.entity';
import { LinkedBankAccountRepository } from './linked-bank-account.repository';

function toLinkedBankAccount(entity: LinkedBankAccountEntity): LinkedBankAccount {
  return {
    id: entity.id,
    userId: entity.userId,
    bankCode: entity.bankCode,
    accountRef: entity.accountRef,
    maskedAccountNumber: entity.maskedAccountNumber,
    holderName: entity.holderName,
    bankName: entity.bankName,
    isPrimary: entity.isPrimary,
    linkedAt: entity.linkedAt,
  };
}

@Injectable()
export class TypeOrmLinkedBankAccountRepository extends LinkedBankAccountRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async listByUser(userId: string, tx?: TransactionScope): Promise<LinkedBankAccount[]> {
    const manager = tx?.manager ?? this.dataSource.manager;
    const entities = await manager.getRepository(LinkedBankAccountEntity).find({
      where: { userId },
      order: { isPrimary: 'DESC', linkedAt: 'ASC' },
    });
    return entities.map(toLinkedBankAccount);
  }

  async findPrimary(userId: string): Promise<LinkedBankAccount | null> {
    const entity = await this.dataSource.getRepository(LinkedBankAccountEntity).findOneBy({ userId, isPrimary: true });
    return entity ? toLinkedBankAccount(entity) : null;
  }

  async insert(account: LinkedBankAccount, tx: TransactionScope): Promise<void> {
    await tx.manager.getRepository(LinkedBankAccountEntity).insert({ ...account });
  }
}
