import { Module } from '@nestjs/common';
import { InternalHttpClient } from '@kirim/platform';
import { BankAccountDirectory } from './bank-account-directory';
import { BankAccountsController } from './bank-accounts.controller';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.use-case';
import { HttpBankAccountDirectory } from './http-bank-account-directory';
import { LinkBankAccount } from './link-bank-account/link-bank-account.use-case';

@Module({
  controllers: [BankAccountsController],
  providers: [
    {
      provide: BankAccountDirectory,
      useFactory: (client: InternalHttpClient) => new HttpBankAccountDirectory(client),
      inject: [InternalHttpClient],
    },
    DiscoverBankAccounts,
    LinkBankAccount,
  ],
})
export class BankAccountsModule {}
