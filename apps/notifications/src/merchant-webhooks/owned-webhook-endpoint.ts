import type { MerchantWebhookEndpoint, MerchantWebhookEndpointRepository } from '../delivery/merchant-webhook/merchant-webhook-endpoint';
import type { MerchantDirectory } from './merchant-directory';

/**
 * The endpoint if the caller owns its merchant, else null: another merchant's endpoint is answered as
 * one that does not exist, so endpoint ids cannot be probed.
 */
export async function findOwnedEndpoint(endpoints: MerchantWebhookEndpointRepository, directory: MerchantDirectory, ownerUserId: string, endpointId: string): Promise<MerchantWebhookEndpoint | null> {
  const endpoint = await endpoints.findById(endpointId);
  if (endpoint === null) return null;
  const merchant = await directory.findById(endpoint.merchantId);
  return merchant !== null && merchant.ownerUserId === ownerUserId ? endpoint : null;
}
