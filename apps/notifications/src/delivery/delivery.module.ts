import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, InternalHttpClient } from '@kirim/platform';
import { NotificationsConfig } from '../notifications.config';
import { ChatWebhookChannel } from './chat-webhook/chat-webhook.channel';
import { EndpointCircuitBreakers } from './circuit-breaker';
import { DeliveriesOperatorController } from './deliveries-operator.controller';
import { DeliverDueNotifications } from './deliver-due-notifications/deliver-due-notifications.use-case';
import { DELIVERY_POLL_INTERVAL_MS, DeliveryWorker } from './deliver-due-notifications/delivery-worker';
import { DeliveryChannel, DeliveryEndpoints } from './delivery-channel';
import { ConfiguredAndMerchantEndpoints } from './merchant-webhook/merchant-delivery-endpoints';
import { MerchantWebhookEndpointRepository } from './merchant-webhook/merchant-webhook-endpoint';
import { MERCHANT_WEBHOOK_ENDPOINT_REPOSITORY_PROVIDER } from './merchant-webhook/typeorm-merchant-webhook-endpoint.repository';
import { DELIVERY_SETTINGS, DeliverySettings } from './delivery-settings';
import { DeliveryRepository } from './delivery.repository';
import { ListDeliveries } from './list-deliveries/list-deliveries.use-case';
import { ReplayDelivery } from './replay-delivery/replay-delivery.use-case';
import { IdentitySmsNumbers } from './sms/sms-numbers';
import { SmsChannel } from './sms/sms.channel';
import { TypeOrmDeliveryRepository } from './typeorm-delivery.repository';

/** The endpoint key of the one chat platform's webhook, stored on its deliveries. */
export const CHAT_ENDPOINT_KEY = 'chat';

/**
 * The configured endpoints: the chat platform's webhook when CHAT_WEBHOOK_URL and _SECRET are set;
 * the SMS provider when SMS_PROVIDER_URL and _API_KEY are (it asks identity for numbers with
 * `identity`, notifications' own InternalHttpClient); else none.
 */
export function configuredChannels(config: NotificationsConfig, clock: Clock, identity?: Pick<InternalHttpClient, 'call'>): DeliveryChannel[] {
  const channels: DeliveryChannel[] = [];
  if (config.CHAT_WEBHOOK_URL !== undefined && config.CHAT_WEBHOOK_SECRET !== undefined) {
    channels.push(new ChatWebhookChannel({ endpointKey: CHAT_ENDPOINT_KEY, url: config.CHAT_WEBHOOK_URL, secret: config.CHAT_WEBHOOK_SECRET, timeoutMs: config.DELIVERY_TIMEOUT_MS }, clock));
  }
  if (config.SMS_PROVIDER_URL !== undefined && config.SMS_PROVIDER_API_KEY !== undefined) {
    // A wiring fault: the app always has the client (ServiceAuthModule with calls).
    if (identity === undefined) throw new Error('SMS_PROVIDER_URL is set but notifications has no InternalHttpClient to ask identity for numbers');
    const numbers = new IdentitySmsNumbers(identity, config.DELIVERY_TIMEOUT_MS);
    channels.push(new SmsChannel({ url: config.SMS_PROVIDER_URL, apiKey: config.SMS_PROVIDER_API_KEY, timeoutMs: config.DELIVERY_TIMEOUT_MS }, numbers, clock));
  }
  return channels;
}

export function deliverySettingsOf(config: NotificationsConfig): DeliverySettings {
  return {
    retry: { baseDelayMs: config.DELIVERY_BACKOFF_BASE_MS, maxDelayMs: config.DELIVERY_BACKOFF_MAX_MS, maxAttempts: config.DELIVERY_MAX_ATTEMPTS },
    breaker: { failureThreshold: config.DELIVERY_BREAKER_FAILURES, coolDownMs: config.DELIVERY_BREAKER_COOL_DOWN_MS },
    concurrencyPerEndpoint: config.DELIVERY_CONCURRENCY_PER_ENDPOINT,
    // Well past the request timeout, so a live worker's claim never lapses while it sends.
    leaseMs: config.DELIVERY_TIMEOUT_MS * 2 + 30_000,
    random: Math.random,
  };
}

/**
 * Delivering notifications (docs/notifications.md): the deliveries table, the configured channels
 * and the merchants' endpoints, the worker with its backoff and circuit breakers, and the operator
 * API over dead deliveries. Exports what receipts and merchant events need to write deliveries and
 * what the inbox needs to show them.
 */
@Module({
  controllers: [DeliveriesOperatorController],
  providers: [
    { provide: DeliveryRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new TypeOrmDeliveryRepository(dataSource) },
    // Merchants register their endpoints through merchant-webhooks/; the worker serves every enabled one.
    MERCHANT_WEBHOOK_ENDPOINT_REPOSITORY_PROVIDER,
    {
      provide: DeliveryEndpoints,
      // The internal client (ServiceAuthModule) is there in the app; optional for a module test without SMS.
      inject: [NotificationsConfig, Clock, MerchantWebhookEndpointRepository, { token: InternalHttpClient, optional: true }],
      useFactory: (config: NotificationsConfig, clock: Clock, merchantEndpoints: MerchantWebhookEndpointRepository, identity?: InternalHttpClient) =>
        new ConfiguredAndMerchantEndpoints(
          configuredChannels(config, clock, identity),
          merchantEndpoints,
          { timeoutMs: config.DELIVERY_TIMEOUT_MS, allowNonPublicHosts: config.MERCHANT_WEBHOOK_HTTP_ALLOWED },
          clock,
        ),
    },
    { provide: DELIVERY_SETTINGS, inject: [NotificationsConfig], useFactory: deliverySettingsOf },
    { provide: DELIVERY_POLL_INTERVAL_MS, inject: [NotificationsConfig], useFactory: (config: NotificationsConfig) => config.DELIVERY_POLL_INTERVAL_MS },
    { provide: EndpointCircuitBreakers, inject: [DELIVERY_SETTINGS, Clock], useFactory: (settings: DeliverySettings, clock: Clock) => new EndpointCircuitBreakers(settings.breaker, clock) },
    DeliverDueNotifications,
    DeliveryWorker,
    ListDeliveries,
    ReplayDelivery,
  ],
  exports: [DeliveryRepository, DeliveryEndpoints],
})
export class DeliveryModule {}
