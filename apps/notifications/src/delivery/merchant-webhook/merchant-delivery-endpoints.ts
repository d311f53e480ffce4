import type { Clock } from '@kirim/platform';
import { DeliveryChannel, DeliveryEndpoints } from '../delivery-channel';
import { MerchantWebhookChannel } from './merchant-webhook.channel';
import { MerchantWebhookEndpointRepository } from './merchant-webhook-endpoint';

/**
 * The configured endpoints (receipts go to them) and, for the worker, every enabled merchant
 * endpoint as it is stored now: read at each tick, so an endpoint registered, rotated or disabled
 * through the API is served, signed with its new secret, or left alone from the next tick on.
 */
export class ConfiguredAndMerchantEndpoints extends DeliveryEndpoints {
  constructor(
    private readonly configured: readonly DeliveryChannel[],
    private readonly merchantEndpoints: MerchantWebhookEndpointRepository,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {
    super();
  }

  forReceipts(): readonly DeliveryChannel[] {
    return this.configured;
  }

  async active(): Promise<readonly DeliveryChannel[]> {
    const merchants = await this.merchantEndpoints.allEnabled();
    return [...this.configured, ...merchants.map((endpoint) => new MerchantWebhookChannel(endpoint, this.timeoutMs, this.clock))];
  }
}
