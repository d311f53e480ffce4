import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONSUMER_GROUPS, EVENT_SOURCES, TOPICS } from '@kirim/contracts';
import { KafkaReadinessCheck, MessagingModule } from '@kirim/messaging';
import { AuthModule, ConfigModule, createLoggingModule, HealthModule, typeOrmModuleOptions } from '@kirim/platform';
import { SandboxBankAdapter } from './adapters/sandbox/sandbox-bank.adapter';
import { BankConnectorConfig } from './bank-connector.config';
import { bankConnectorDataSourceInput } from './bank-connector.persistence';
import { ApplyBankLeg } from './bank-legs/apply-bank-leg/apply-bank-leg.use-case';
import { BANK_ADAPTERS, BankAdapter } from './bank-legs/bank-adapter.port';
import { BankAdapterRouter } from './bank-legs/bank-adapter.router';
import { LockLegAccountsInOrder } from './bank-legs/lock-leg-accounts.preparer';
import { BankRequestsConsumer } from './bank-requests.consumer';
import { BankAccountsController } from './sandbox-bank/bank-accounts.controller';
import { DiscoverBankAccounts } from './sandbox-bank/discover-bank-accounts/discover-bank-accounts.use-case';
import { OpenSandboxAccount } from './sandbox-bank/open-sandbox-account/open-sandbox-account.use-case';
import { SandboxAdminController } from './sandbox-bank/sandbox-admin.controller';
import { SandboxAdminGuard } from './sandbox-bank/sandbox-admin.guard';
import { SandboxLedger } from './sandbox-bank/sandbox-ledger';
import { SummarizeSandboxLedger } from './sandbox-bank/summarize-sandbox-ledger/summarize-sandbox-ledger.use-case';

export const SERVICE_NAME = 'bank-connector';

@Module({
  imports: [
    ConfigModule.forRoot(BankConnectorConfig),
    createLoggingModule(SERVICE_NAME),
    TypeOrmModule.forRootAsync({
      inject: [BankConnectorConfig],
      useFactory: (config: BankConnectorConfig) => typeOrmModuleOptions(bankConnectorDataSourceInput(config.DATABASE_URL)),
    }),
    MessagingModule.forRoot({
      source: EVENT_SOURCES.BANK_CONNECTOR,
      // Chunks lock their accounts in sorted order first (LockLegAccountsInOrder, see main.ts).
      consumer: { groupId: CONSUMER_GROUPS.BANK_CONNECTOR, topics: [TOPICS.BANK_REQUESTS] },
    }),
    AuthModule.forRoot(),
    HealthModule.forRoot({ checkTokens: [KafkaReadinessCheck] }),
  ],
  controllers: [BankRequestsConsumer, BankAccountsController, SandboxAdminController],
  providers: [
    SandboxLedger,
    SandboxBankAdapter,
    // Every way of reaching banks; partner-bank adapters are added to this list.
    { provide: BANK_ADAPTERS, useFactory: (sandbox: SandboxBankAdapter): BankAdapter[] => [sandbox], inject: [SandboxBankAdapter] },
    BankAdapterRouter,
    ApplyBankLeg,
    LockLegAccountsInOrder,
    DiscoverBankAccounts,
    OpenSandboxAccount,
    SummarizeSandboxLedger,
    SandboxAdminGuard,
  ],
})
export class AppModule {}
