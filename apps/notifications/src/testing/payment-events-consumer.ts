import type { DataSource } from 'typeorm';
import type { Clock, FieldEncryption, IdGenerator } from '@kirim/platform';
import { testDataProtection } from '@kirim/testing';
import { RecordCollectReceipts } from '../collect-receipts/record-collect-receipts/record-collect-receipts.use-case';
import type { DeliveryEndpoints } from '../delivery/delivery-channel';
import type { DeliveryRepository } from '../delivery/delivery.repository';
import { TypeOrmMerchantWebhookEndpointRepository } from '../delivery/merchant-webhook/typeorm-merchant-webhook-endpoint.repository';
import { TypeOrmMerchantEventStore } from '../merchant-webhooks/merchant-event.store';
import { RecordMerchantOnboarded } from '../merchant-webhooks/record-merchant-onboarded/record-merchant-onboarded.use-case';
import { RecordMerchantPaymentEvent } from '../merchant-webhooks/record-merchant-payment-event/record-merchant-payment-event.use-case';
import { TypeOrmMerchantDirectory } from '../merchant-webhooks/typeorm-merchant-directory.repository';
import { ReceiptRecorder } from '../notifications/record-receipts';
import { PaymentEventsConsumer } from '../payment-receipts/payment-events.consumer';
import type { NotificationStore } from '../payment-receipts/record-payment-receipts/notification-store';
import { RecordPaymentReceipts } from '../payment-receipts/record-payment-receipts/record-payment-receipts.use-case';
import type { RecipientPreferencesRepository } from '../recipient-preferences/recipient-preferences.repository';

export interface ConsumerParts {
  readonly notifications: NotificationStore;
  readonly deliveries: DeliveryRepository;
  readonly endpoints: DeliveryEndpoints;
  readonly preferences: RecipientPreferencesRepository;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The merchant endpoints' secrets' encryption; test keys when left out. */
  readonly fields?: FieldEncryption;
}

/** payments.events.v1's consumer as the app wires it, over the real database (integration tests). */
export function paymentEventsConsumerOver(dataSource: DataSource, parts: ConsumerParts): PaymentEventsConsumer {
  const merchants = new TypeOrmMerchantDirectory(dataSource);
  const merchantEvents = new TypeOrmMerchantEventStore();
  const endpoints = new TypeOrmMerchantWebhookEndpointRepository(dataSource, parts.fields ?? testDataProtection().fields);
  const receipts = new ReceiptRecorder(parts.notifications, parts.deliveries, parts.endpoints, parts.preferences, parts.clock, parts.ids);
  return new PaymentEventsConsumer(
    new RecordPaymentReceipts(receipts, merchants, merchantEvents),
    new RecordMerchantPaymentEvent(merchantEvents, endpoints, parts.deliveries, parts.clock, parts.ids),
    new RecordMerchantOnboarded(merchants),
    new RecordCollectReceipts(receipts, merchants),
  );
}
