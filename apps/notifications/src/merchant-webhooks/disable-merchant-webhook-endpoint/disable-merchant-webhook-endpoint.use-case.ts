import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { MerchantWebhookEndpoint, MerchantWebhookEndpointRepository } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { MerchantDirectory } from '../merchant-directory';
import { MerchantWebhookFailure, merchantWebhookFailure } from '../merchant-webhook-problems';
import { findOwnedEndpoint } from '../owned-webhook-endpoint';

export interface DisableMerchantWebhookEndpointCommand {
  readonly ownerUserId: string;
  readonly endpointId: string;
}

export type DisableMerchantWebhookEndpointOutcome = { readonly ok: true; readonly endpoint: MerchantWebhookEndpoint } | MerchantWebhookFailure;

/**
 * Disables an endpoint for good: it gets no new deliveries, and those not yet made end as dead
 * ("endpoint disabled") in the same transaction. It still counts as the merchant's (deliveries name
 * it) but not towards the limit. Disabling it again answers it unchanged.
 */
@Injectable()
export class DisableMerchantWebhookEndpoint {
  private readonly logger = new Logger(DisableMerchantWebhookEndpoint.name);

  constructor(
    private readonly directory: MerchantDirectory,
    private readonly endpoints: MerchantWebhookEndpointRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: DisableMerchantWebhookEndpointCommand): Promise<DisableMerchantWebhookEndpointOutcome> {
    const endpoint = await findOwnedEndpoint(this.endpoints, this.directory, command.ownerUserId, command.endpointId);
    if (endpoint === null) return merchantWebhookFailure('endpoint-not-found', 'No such webhook endpoint.');
    if (endpoint.status === 'disabled') return { ok: true, endpoint };
    const disabled = await this.endpoints.disable(endpoint.endpointId, this.clock.now());
    // Endpoints are never deleted: null would mean the row vanished under us.
    if (disabled === null) throw new Error(`webhook endpoint ${endpoint.endpointId} disappeared while being disabled`);
    this.logger.log({ merchantId: disabled.merchantId, endpointId: disabled.endpointId }, 'merchant webhook endpoint disabled');
    return { ok: true, endpoint: disabled };
  }
}
