import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONSUMER_GROUPS, EVENT_SOURCES, SERVICE_PRINCIPALS, TOPICS } from '@kirim/contracts';
import { KafkaReadinessCheck, MESSAGING_ENTITIES, MessagingModule } from '@kirim/messaging';
import { AuthModule, ConfigModule, JWT_AUDIENCES, createLoggingModule, HealthModule, OperatorAuthModule, ServiceAuthModule, SystemClock, typeOrmModuleOptions, openServiceDataSource } from '@kirim/platform';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { OperationsModule } from './operations/operations.module';
import { paymentDeadLetterHooks } from './operations/payment-dead-letter-hooks';
import { TypeOrmPaymentFlags } from './operations/typeorm-payment-flags.repository';
import { CollectModule } from './collect/collect.module';
import { MerchantModule } from './merchant/merchant.module';
import { PaymentModule } from './payment/payment.module';
import { PAYMENT_ENTITIES } from './payment/payment-entities';
import { PaymentsConfig } from './payments.config';
import { ReconciliationModule } from './reconciliation/reconciliation.module';

export const SERVICE_NAME = 'payments';

@Module({
  imports: [
    ConfigModule.forRoot(PaymentsConfig),
    createLoggingModule(SERVICE_NAME),
    TypeOrmModule.forRootAsync({
      inject: [PaymentsConfig],
      useFactory: (config: PaymentsConfig) =>
        typeOrmModuleOptions({
          url: config.DATABASE_URL,
          entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES],
          migrations: PAYMENTS_MIGRATIONS,
          applicationName: `kirim-${SERVICE_NAME}`,
        }, config),
      dataSourceFactory: openServiceDataSource,
    }),
    MessagingModule.forRoot({
      source: EVENT_SOURCES.PAYMENTS,
      consumer: { groupId: CONSUMER_GROUPS.PAYMENTS, topics: [TOPICS.BANK_RESPONSES] },
      // A dead-lettered bank answer flags its payment for an operator; replaying it clears the flag
      // (in the messaging layer's transaction: the writes need only its manager).
      deadLetterHooks: paymentDeadLetterHooks(new TypeOrmPaymentFlags(), new SystemClock()),
    }),
    // Tokens are verified against identity's JWKS (IDENTITY_JWKS_URL).
    AuthModule.forRoot({ audience: JWT_AUDIENCES.PAYMENTS }),
    // Its own credentials for identity's internal operations (docs/service-credentials.md).
    ServiceAuthModule.forRoot({ self: SERVICE_PRINCIPALS.PAYMENTS, calls: true }),
    // Operators (dead letters, stuck payments, reconciliation) with their own keys, apart from users
    // and services (OPERATOR_KEY_DIGESTS; docs/operations.md).
    OperatorAuthModule.forRoot(),
    HealthModule.forRoot({ checkTokens: [KafkaReadinessCheck] }),
    PaymentModule,
    MerchantModule,
    CollectModule,
    ReconciliationModule,
    OperationsModule,
  ],
})
export class AppModule {}
