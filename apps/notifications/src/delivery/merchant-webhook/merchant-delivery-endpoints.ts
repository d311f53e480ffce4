import { Logger } from '@nestjs/common';
import type { Clock } from '@kirim/platform';
import { DeliveryChannel, DeliveryEndpoints } from '../delivery-channel';
import { MerchantWebhookChannel, MerchantWebhookChannelOptions } from './merchant-webhook.channel';
import { isMerchantEndpointKey, merchantEndpointKey, MerchantWebhookEndpointRepository } from './merchant-webhook-endpoint';

/**
 * The configured endpoints (receipts go to them) and, for the worker, every enabled merchant
 * endpoint as it is stored now: read at each tick, so an endpoint registered, rotated or disabled
 * through the API is served, signed with its new secret, or left alone from the next tick on.
 */
export class ConfiguredAndMerchantEndpoints extends DeliveryEndpoints {
  private readonly logger = new Logger(ConfiguredAndMerchantEndpoints.name);

  constructor(
    private readonly configured: readonly DeliveryChannel[],
    private readonly merchantEndpoints: MerchantWebhookEndpointRepository,
    private readonly channelOptions: MerchantWebhookChannelOptions,
    private readonly clock: Clock,
  ) {
    super();
  }

  forReceipts(): readonly DeliveryChannel[] {
    return this.configured;
  }

  /** The configured endpoints are served even when the merchants' cannot be read (the database, a data key): receipts do not wait for them. */
  async active(due: ReadonlySet<string>): Promise<readonly DeliveryChannel[]> {
    const configured = this.configured.filter((endpoint) => due.has(endpoint.endpointKey));
    // Reading the merchants' endpoints decrypts every secret: only when one of theirs has work.
    if (![...due].some(isMerchantEndpointKey)) return configured;
    let merchants: Awaited<ReturnType<MerchantWebhookEndpointRepository['allEnabled']>>;
    try {
      merchants = await this.merchantEndpoints.allEnabled();
    } catch (error: unknown) {
      this.logger.warn(`reading the merchant endpoints failed, serving the configured ones only: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      return configured;
    }
    const dueMerchants = merchants.filter((endpoint) => due.has(merchantEndpointKey(endpoint.endpointId)));
    return [...configured, ...dueMerchants.map((endpoint) => new MerchantWebhookChannel(endpoint, this.channelOptions, this.clock))];
  }
}
