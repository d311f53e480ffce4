import { Module } from '@nestjs/common';
import { IdentityConfig } from '../identity.config';
import { BankAccountDirectory } from './bank-account-directory';
import { BankAccountsController } from './bank-accounts.controller';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.handler';
import { HttpBankAccountDirectory } from './http-bank-account-directory';
import { LinkBankAccount } from './link-bank-account/link-bank-account.handler';

@Module({
  controllers: [BankAccountsController],
  providers: [
    {
      provide: BankAccountDirectory,
      useFactory: (config: IdentityConfig) => new HttpBankAccountDirectory({ baseUrl: config.BANK_CONNECTOR_URL }),
      inject: [IdentityConfig],
    },
    DiscoverBankAccounts,
    LinkBankAccount,
  ],
})
export class BankAccountsModule {}
