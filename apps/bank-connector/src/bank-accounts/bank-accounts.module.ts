import { Module } from '@nestjs/common';
import { SandboxBankModule } from '../sandbox-bank/sandbox-bank.module';
import { BankAccountsController } from './bank-accounts.controller';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.use-case';
import { PartnerAccountLookupRepository } from './partner-account-lookup.repository';
import { RecordAccountLookupAnswer } from './record-account-lookup-answer/record-account-lookup-answer.use-case';
import { TypeOrmPartnerAccountLookupRepository } from './typeorm-partner-account-lookup.repository';

/** Account discovery by mobile number across the sandbox and partner banks. */
@Module({
  imports: [SandboxBankModule],
  controllers: [BankAccountsController],
  providers: [DiscoverBankAccounts, RecordAccountLookupAnswer, { provide: PartnerAccountLookupRepository, useClass: TypeOrmPartnerAccountLookupRepository }],
  exports: [RecordAccountLookupAnswer],
})
export class BankAccountsModule {}
