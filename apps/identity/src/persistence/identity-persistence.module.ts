import { Global, Module } from '@nestjs/common';
import { UnitOfWork } from '@kirim/messaging';
import { LinkedBankAccountRepository } from '../bank-accounts/linked-bank-account.repository';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { UserRepository } from '../users/user.repository';
import { TransactionRunner } from './transaction-runner';

/** Binds identity's persistence ports to TypeORM and the messaging UnitOfWork. */
@Global()
@Module({
  providers: [
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: LinkedBankAccountRepository, useClass: TypeOrmLinkedBankAccountRepository },
    { provide: TransactionRunner, useExisting: UnitOfWork },
  ],
  exports: [UserRepository, LinkedBankAccountRepository, TransactionRunner],
})
export class IdentityPersistenceModule {}
