import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONSUMER_GROUPS, EVENT_SOURCES, PARTNER_TOPICS, SERVICE_PRINCIPALS, TOPICS } from '@kirim/contracts';
import { KafkaReadinessCheck, MessagingModule } from '@kirim/messaging';
import { ConfigModule, DataEncryptionModule, FieldEncryption, LookupHasher, ServiceAuthModule, createLoggingModule, HealthModule, TimeModule, typeOrmModuleOptions, openServiceDataSource } from '@kirim/platform';
import { BankAccountsModule } from './bank-accounts/bank-accounts.module';
import { BankDirectoryModule } from './bank-directory/bank-directory.module';
import { BankConnectorConfig } from './bank-connector.config';
import { bankConnectorDataSourceInput } from './bank-connector.persistence';
import { BankLegsModule } from './bank-legs/bank-legs.module';
import { PartnerBanksModule } from './partner-banks/partner-banks.module';
import { PartnerRegistry } from './partner-banks/partner-registry';
import { PartnerRegistryModule } from './partner-banks/partner-registry.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { SandboxBankModule } from './sandbox-bank/sandbox-bank.module';

export const SERVICE_NAME = 'bank-connector';

@Module({
  imports: [
    ConfigModule.forRoot(BankConnectorConfig),
    createLoggingModule(SERVICE_NAME),
    TimeModule,
    // Account numbers, holder names and mobiles are encrypted at rest (docs/data-at-rest.md).
    DataEncryptionModule.forRoot(),
    TypeOrmModule.forRootAsync({
      inject: [BankConnectorConfig, FieldEncryption, LookupHasher],
      useFactory: (config: BankConnectorConfig, fields: FieldEncryption, lookups: LookupHasher) =>
        typeOrmModuleOptions(bankConnectorDataSourceInput(config.DATABASE_URL, { fields, lookups }), config),
      dataSourceFactory: openServiceDataSource,
    }),
    PartnerRegistryModule,
    // bank.requests.v1 from payments, and each registered partner bank's answers; chunks lock their
    // sandbox accounts in sorted order first (LockLegAccountsInOrder, see main.ts).
    MessagingModule.forRootAsync({
      inject: [PartnerRegistry],
      useFactory: (registry: PartnerRegistry) => ({
        source: EVENT_SOURCES.BANK_CONNECTOR,
        consumer: {
          groupId: CONSUMER_GROUPS.BANK_CONNECTOR,
          topics: [TOPICS.BANK_REQUESTS, ...registry.responsesTopics()],
          handledAddresses: [PARTNER_TOPICS.RESPONSES],
        },
        partnerBankCodes: registry.bankCodes(),
        trustedSigners: registry.signingKeys,
      }),
    }),
    // No user ever calls bank-connector: its HTTP is public keys, the sandbox operator's admin API and
    // internal operations other services call with their own service tokens.
    ServiceAuthModule.forRoot({ self: SERVICE_PRINCIPALS.BANK_CONNECTOR }),
    HealthModule.forRoot({ checkTokens: [KafkaReadinessCheck] }),
    SandboxBankModule,
    BankAccountsModule,
    PartnerBanksModule,
    BankLegsModule,
    BankDirectoryModule,
    ReconciliationModule,
  ],
})
export class AppModule {}
