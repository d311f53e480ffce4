import { Module } from '@nestjs/common';
import { ListSandboxAccounts } from './list-sandbox-accounts/list-sandbox-accounts.use-case';
import { OpenSandboxAccount } from './open-sandbox-account/open-sandbox-account.use-case';
import { SandboxAdminController } from './sandbox-admin.controller';
import { SandboxAdminGuard } from './sandbox-admin.guard';
import { SandboxLedgerRepository } from './sandbox-ledger.repository';
import { SetSandboxAccountFreeze } from './set-sandbox-account-freeze/set-sandbox-account-freeze.use-case';
import { SummarizeSandboxLedger } from './summarize-sandbox-ledger/summarize-sandbox-ledger.use-case';
import { TypeOrmSandboxLedgerRepository } from './typeorm-sandbox-ledger.repository';

/** The built-in sandbox banks: their ledger and its administration API (accounts, freezes, the ledger summary). */
@Module({
  controllers: [SandboxAdminController],
  providers: [
    { provide: SandboxLedgerRepository, useClass: TypeOrmSandboxLedgerRepository },
    OpenSandboxAccount,
    ListSandboxAccounts,
    SummarizeSandboxLedger,
    SetSandboxAccountFreeze,
    SandboxAdminGuard,
  ],
  exports: [SandboxLedgerRepository],
})
export class SandboxBankModule {}
