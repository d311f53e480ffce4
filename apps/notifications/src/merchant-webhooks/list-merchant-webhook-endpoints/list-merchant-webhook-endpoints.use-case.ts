import { Injectable } from '@nestjs/common';
import { MerchantWebhookEndpoint, MerchantWebhookEndpointRepository } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { MerchantDirectory } from '../merchant-directory';
import { MerchantWebhookFailure, merchantWebhookFailure } from '../merchant-webhook-problems';

export interface ListMerchantWebhookEndpointsCommand {
  readonly ownerUserId: string;
  readonly merchantId: string;
}

export type ListMerchantWebhookEndpointsOutcome = { readonly ok: true; readonly endpoints: MerchantWebhookEndpoint[] } | MerchantWebhookFailure;

/** A merchant's endpoints, enabled and disabled, oldest first, for its owner only (anyone else: no such merchant). */
@Injectable()
export class ListMerchantWebhookEndpoints {
  constructor(
    private readonly directory: MerchantDirectory,
    private readonly endpoints: MerchantWebhookEndpointRepository,
  ) {}

  async execute(command: ListMerchantWebhookEndpointsCommand): Promise<ListMerchantWebhookEndpointsOutcome> {
    const merchant = await this.directory.findById(command.merchantId);
    if (merchant === null || merchant.ownerUserId !== command.ownerUserId) return merchantWebhookFailure('merchant-not-found', 'No such merchant.');
    return { ok: true, endpoints: await this.endpoints.listOfMerchant(merchant.merchantId) };
  }
}
