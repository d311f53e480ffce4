import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_SOURCES, SERVICE_PRINCIPALS } from '@kirim/contracts';
import { KafkaReadinessCheck, MESSAGING_ENTITIES, MessagingModule } from '@kirim/messaging';
import { AuthModule, ConfigModule, createLoggingModule, HealthModule, JWT_AUDIENCES, ServiceAuthModule, TimeModule, typeOrmModuleOptions } from '@kirim/platform';
import { BankAccountsModule } from './bank-accounts/bank-accounts.module';
import { DeviceBindingsModule } from './device-bindings/device-bindings.module';
import { IdentityDeviceBindingRevocations } from './device-bindings/identity-device-binding-revocations';
import { IdentityConfig } from './identity.config';
import { PayeesModule } from './payees/payees.module';
import { PaymentAddressesModule } from './payment-addresses/payment-addresses.module';
import { PaymentPartiesModule } from './payment-parties/payment-parties.module';
import { IDENTITY_ENTITIES } from './persistence/identity-entities';
import { IDENTITY_MIGRATIONS } from './persistence/identity-migrations';
import { IdentityPersistenceModule } from './persistence/identity-persistence.module';
import { identityLocalKeyResolver } from './tokens/local-key-resolver';
import { ServiceCredentialsModule } from './service-credentials/service-credentials.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';
import { UpiPinModule } from './upi-pin/upi-pin.module';

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
    // identity checks bindings in its own database, not through its revocation feed.
    AuthModule.forRoot({ audience: JWT_AUDIENCES.IDENTITY, keyResolver: identityLocalKeyResolver(), revocations: IdentityDeviceBindingRevocations }),
    // Internal operations other services call with their service tokens, verified with identity's own keys.
    ServiceAuthModule.forRoot({ self: SERVICE_PRINCIPALS.IDENTITY, keyResolver: identityLocalKeyResolver() }),
    TimeModule,
    HealthModule.forRoot({ checkTokens: [KafkaReadinessCheck] }),
    IdentityPersistenceModule,
    TokensModule,
    ServiceCredentialsModule,
    UsersModule,
    DeviceBindingsModule,
    BankAccountsModule,
    PaymentPartiesModule,
    PaymentAddressesModule,
    PayeesModule,
    UpiPinModule,
  ],
})
export class AppModule {}
