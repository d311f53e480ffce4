import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONSUMER_GROUPS, EVENT_SOURCES, SERVICE_PRINCIPALS, TOPICS } from '@kirim/contracts';
import { KafkaReadinessCheck, MessagingModule } from '@kirim/messaging';
import { AuthModule, ConfigModule, DataEncryptionModule, JWT_AUDIENCES, createLoggingModule, HealthModule, OperatorAuthModule, ServiceAuthModule, TimeModule, typeOrmModuleOptions, openServiceDataSource } from '@kirim/platform';
import { RecordCollectReceipts } from './collect-receipts/record-collect-receipts/record-collect-receipts.use-case';
import { DeliveryModule } from './delivery/delivery.module';
import { MerchantWebhooksModule } from './merchant-webhooks/merchant-webhooks.module';
import { RecordMerchantPaymentEvent } from './merchant-webhooks/record-merchant-payment-event/record-merchant-payment-event.use-case';
import { NotificationsConfig } from './notifications.config';
import { ListMyNotifications } from './notifications/list-my-notifications/list-my-notifications.use-case';
import { MarkNotificationRead } from './notifications/mark-notification-read/mark-notification-read.use-case';
import { NotificationInbox } from './notifications/list-my-notifications/notification-inbox';
import { NotificationEntity } from './notifications/notification.entity';
import { NotificationRepository } from './notifications/notification.repository';
import { NotificationsController } from './notifications/notifications.controller';
import { ReceiptChunkPreparer } from './notifications/receipt-chunk.preparer';
import { ReceiptRecorder } from './notifications/record-receipts';
import { PaymentEventsConsumer } from './payment-receipts/payment-events.consumer';
import { NotificationStore } from './payment-receipts/record-payment-receipts/notification-store';
import { RecordPaymentReceipts } from './payment-receipts/record-payment-receipts/record-payment-receipts.use-case';
import { NOTIFICATIONS_ENTITIES } from './persistence/notifications-entities';
import { NOTIFICATIONS_MIGRATIONS } from './persistence/notifications-migrations';
import { RecipientPreferencesModule } from './recipient-preferences/recipient-preferences.module';

export const SERVICE_NAME = 'notifications';

@Module({
  imports: [
    ConfigModule.forRoot(NotificationsConfig),
    createLoggingModule(SERVICE_NAME),
    TypeOrmModule.forRootAsync({
      inject: [NotificationsConfig],
      useFactory: (config: NotificationsConfig) =>
        typeOrmModuleOptions({
          url: config.DATABASE_URL,
          entities: NOTIFICATIONS_ENTITIES,
          migrations: NOTIFICATIONS_MIGRATIONS,
          applicationName: `kirim-${SERVICE_NAME}`,
        }, config),
      dataSourceFactory: openServiceDataSource,
    }),
    TypeOrmModule.forFeature([NotificationEntity]),
    MessagingModule.forRoot({
      source: EVENT_SOURCES.NOTIFICATIONS,
      // identity.events.v1 for each user's language and time zone (recipient-preferences/).
      consumer: { groupId: CONSUMER_GROUPS.NOTIFICATIONS, topics: [TOPICS.PAYMENTS_EVENTS, TOPICS.IDENTITY_EVENTS] },
    }),
    AuthModule.forRoot({ audience: JWT_AUDIENCES.NOTIFICATIONS }),
    // Its own credentials, to read identity's revocation feed (docs/service-credentials.md).
    ServiceAuthModule.forRoot({ self: SERVICE_PRINCIPALS.NOTIFICATIONS, calls: true }),
    // Operators (dead deliveries and their replay) with their own keys, apart from users and
    // services (OPERATOR_KEY_DIGESTS; docs/operations.md).
    OperatorAuthModule.forRoot(),
    HealthModule.forRoot({ checkTokens: [KafkaReadinessCheck] }),
    // Merchants' webhook secrets are encrypted at rest with notifications' own keys (docs/data-at-rest.md).
    DataEncryptionModule.forRoot(),
    TimeModule,
    DeliveryModule,
    RecipientPreferencesModule,
    MerchantWebhooksModule,
  ],
  controllers: [NotificationsController, PaymentEventsConsumer],
  providers: [
    NotificationRepository,
    { provide: NotificationStore, useExisting: NotificationRepository },
    { provide: NotificationInbox, useExisting: NotificationRepository },
    ReceiptRecorder,
    ReceiptChunkPreparer,
    RecordPaymentReceipts,
    RecordCollectReceipts,
    RecordMerchantPaymentEvent,
    ListMyNotifications,
    MarkNotificationRead,
  ],
})
export class AppModule {}
