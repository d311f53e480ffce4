import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_SOURCES, SERVICE_PRINCIPALS } from '@kirim/contracts';
import { KafkaReadinessCheck, MessagingModule } from '@kirim/messaging';
import {
  AuthModule,
  ConfigModule,
  createLoggingModule,
  DataEncryptionModule,
  FieldEncryption,
  HealthModule,
  JWT_AUDIENCES,
  LookupHasher,
  ServiceAuthModule,
  TimeModule,
  typeOrmModuleOptions,
  openServiceDataSource,
} from '@kirim/platform';
import { BankAccountsModule } from './bank-accounts/bank-accounts.module';
import { DeviceBindingsModule } from './device-bindings/device-bindings.module';
import { IdentityDeviceBindingRevocations } from './device-bindings/identity-device-binding-revocations';
import { IdentityConfig } from './identity.config';
import { identityDataSourceInput } from './identity.persistence';
import { PayeesModule } from './payees/payees.module';
import { PaymentAddressesModule } from './payment-addresses/payment-addresses.module';
import { PaymentPartiesModule } from './payment-parties/payment-parties.module';
import { IdentityPersistenceModule } from './persistence/identity-persistence.module';
import { identityLocalKeyResolver } from './tokens/local-key-resolver';
import { ServiceCredentialsModule } from './service-credentials/service-credentials.module';
import { SmsNumbersModule } from './sms-numbers/sms-numbers.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';
import { UpiPinModule } from './upi-pin/upi-pin.module';

export const SERVICE_NAME = 'identity';

@Module({
  imports: [
    ConfigModule.forRoot(IdentityConfig),
    createLoggingModule(SERVICE_NAME),
    // Phone numbers and holder names are encrypted at rest (docs/data-at-rest.md).
    DataEncryptionModule.forRoot(),
    TypeOrmModule.forRootAsync({
      inject: [IdentityConfig, FieldEncryption, LookupHasher],
      useFactory: (config: IdentityConfig, fields: FieldEncryption, lookups: LookupHasher) =>
        typeOrmModuleOptions(identityDataSourceInput(config.DATABASE_URL, { fields, lookups }), config),
      dataSourceFactory: openServiceDataSource,
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
    SmsNumbersModule,
  ],
})
export class AppModule {}
