import { Global, Module } from '@nestjs/common';
import { LinkedBankAccountRepository } from '../bank-accounts/linked-bank-account.repository';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { UserRepository } from '../users/user.repository';

/** Binds identity's persistence ports to TypeORM (TransactionRunner comes from MessagingModule). */
@Global()
@Module({
  providers: [
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: LinkedBankAccountRepository, useClass: TypeOrmLinkedBankAccountRepository },
  ],
  exports: [UserRepository, LinkedBankAccountRepository],
})
export class IdentityPersistenceModule {}
