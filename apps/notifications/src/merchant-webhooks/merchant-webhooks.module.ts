import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MerchantWebhookEndpointRepository } from '../delivery/merchant-webhook/merchant-webhook-endpoint';
import { MERCHANT_WEBHOOK_ENDPOINT_REPOSITORY_PROVIDER } from '../delivery/merchant-webhook/typeorm-merchant-webhook-endpoint.repository';
import { NotificationsConfig } from '../notifications.config';
import { DisableMerchantWebhookEndpoint } from './disable-merchant-webhook-endpoint/disable-merchant-webhook-endpoint.use-case';
import { ListMerchantWebhookEndpoints } from './list-merchant-webhook-endpoints/list-merchant-webhook-endpoints.use-case';
import { MerchantDirectory } from './merchant-directory';
import { MerchantEventStore, TypeOrmMerchantEventStore } from './merchant-event.store';
import { MerchantWebhookEndpointsController } from './merchant-webhook-endpoints.controller';
import { MERCHANT_WEBHOOK_SETTINGS, merchantWebhookSettingsOf } from './merchant-webhook-settings';
import { RecordMerchantOnboarded } from './record-merchant-onboarded/record-merchant-onboarded.use-case';
import { RegisterMerchantWebhookEndpoint } from './register-merchant-webhook-endpoint/register-merchant-webhook-endpoint.use-case';
import { RotateMerchantWebhookSecret } from './rotate-merchant-webhook-secret/rotate-merchant-webhook-secret.use-case';
import { TypeOrmMerchantDirectory } from './typeorm-merchant-directory.repository';
import { RandomWebhookSecretSource, WebhookSecretSource } from './webhook-secret-source';

/**
 * Merchant webhooks (docs/notifications.md, "Merchant webhooks"): the merchants payments announced,
 * the owner's API over their endpoints (the registry, with its encrypted secrets, lives with
 * delivery, whose worker serves them), and the store of merchant events. Exports what the
 * payments.events consumer and the receipts use. Needs DataSource, FieldEncryption
 * (DataEncryptionModule), Clock and IdGenerator (TimeModule) and NotificationsConfig from the app.
 */
@Module({
  controllers: [MerchantWebhookEndpointsController],
  providers: [
    MERCHANT_WEBHOOK_ENDPOINT_REPOSITORY_PROVIDER,
    { provide: MerchantDirectory, inject: [DataSource], useFactory: (dataSource: DataSource) => new TypeOrmMerchantDirectory(dataSource) },
    { provide: MerchantEventStore, useClass: TypeOrmMerchantEventStore },
    { provide: WebhookSecretSource, useClass: RandomWebhookSecretSource },
    { provide: MERCHANT_WEBHOOK_SETTINGS, inject: [NotificationsConfig], useFactory: merchantWebhookSettingsOf },
    RecordMerchantOnboarded,
    RegisterMerchantWebhookEndpoint,
    ListMerchantWebhookEndpoints,
    RotateMerchantWebhookSecret,
    DisableMerchantWebhookEndpoint,
  ],
  exports: [MerchantWebhookEndpointRepository, MerchantDirectory, MerchantEventStore, RecordMerchantOnboarded],
})
export class MerchantWebhooksModule {}
