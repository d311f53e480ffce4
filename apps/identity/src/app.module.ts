import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_SOURCES } from '@kirim/contracts';
import { KafkaReadinessCheck, MESSAGING_ENTITIES, MessagingModule } from '@kirim/messaging';
import { AuthModule, ConfigModule, createLoggingModule, HealthModule, typeOrmModuleOptions } from '@kirim/platform';
import { BankAccountsModule } from './bank-accounts/bank-accounts.module';
import { IdentityConfig } from './identity.config';
import { PaymentPartiesModule } from './payment-parties/payment-parties.module';
import { IDENTITY_ENTITIES } from './persistence/identity-entities';
import { IDENTITY_MIGRATIONS } from './persistence/identity-migrations';
import { IdentityPersistenceModule } from './persistence/identity-persistence.module';
import { identityLocalKeyResolver } from './tokens/local-key-resolver';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

export const SERVICE_NAME = 'identity';

@Module({
  imports: [
    ConfigModule.forRoot(IdentityConfig),
    createLoggingModule(SERVICE_NAME),
    TypeOrmModule.forRootAsync({
      inject: [IdentityConfig],
      useFactory: (config: IdentityConfig) =>
        typeOrmModuleOptions({
          url: config.DATABASE_URL,
          entities: [...IDENTITY_ENTITIES, ...MESSAGING_ENTITIES],
          migrations: IDENTITY_MIGRATIONS,
          applicationName: `kirim-${SERVICE_NAME}`,
        }),
    }),
    // Identity consumes no topic yet: producer and outbox relay only, no consumer group.
    MessagingModule.forRoot({ source: EVENT_SOURCES.IDENTITY }),
    AuthModule.forRoot({ keyResolver: identityLocalKeyResolver() }),
    HealthModule.forRoot({ checkTokens: [KafkaReadinessCheck] }),
    IdentityPersistenceModule,
    TokensModule,
    UsersModule,
    BankAccountsModule,
    PaymentPartiesModule,
  ],
})
export class AppModule {}
