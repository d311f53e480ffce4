import { PROBLEM_CODES } from '@kirim/contracts';
import type { MerchantWebhookEndpoint } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { InMemoryMerchantDirectory, InMemoryMerchantWebhookEndpoints, knownMerchant, MERCHANT, OTHER_MERCHANT, OWNER, STRANGER } from '../../testing/in-memory-merchant-webhooks';
import { ListMerchantWebhookEndpoints } from './list-merchant-webhook-endpoints.use-case';

function endpoint(endpointId: string, merchantId: string, status: 'enabled' | 'disabled'): MerchantWebhookEndpoint {
  const at = new Date('2026-11-28T10:00:00.000Z');
  return { endpointId, merchantId, url: `https://shop.example/${endpointId}`, status, secret: 'whsec_x', previousSecret: null, previousSecretExpiresAt: null, createdAt: at, secretRotatedAt: null, disabledAt: status === 'disabled' ? at : null };
}

describe('ListMerchantWebhookEndpoints', () => {
  async function harness() {
    const endpoints = new InMemoryMerchantWebhookEndpoints();
    for (const e of [endpoint('e-1', MERCHANT, 'disabled'), endpoint('e-2', MERCHANT, 'enabled'), endpoint('e-3', OTHER_MERCHANT, 'enabled')]) await endpoints.register(e);
    const directory = new InMemoryMerchantDirectory(knownMerchant(), knownMerchant({ merchantId: OTHER_MERCHANT, ownerUserId: STRANGER }));
    return new ListMerchantWebhookEndpoints(directory, endpoints);
  }

  it("lists the owner's merchant's endpoints, disabled ones included, and no other merchant's", async () => {
    const list = await harness();
    const outcome = await list.execute({ ownerUserId: OWNER, merchantId: MERCHANT });
    expect(outcome.ok && outcome.endpoints.map((e) => [e.endpointId, e.status])).toEqual([
      ['e-1', 'disabled'],
      ['e-2', 'enabled'],
    ]);
  });

  it("answers another user's merchant as not found", async () => {
    const list = await harness();
    expect(await list.execute({ ownerUserId: STRANGER, merchantId: MERCHANT })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND });
    expect(await list.execute({ ownerUserId: OWNER, merchantId: '0d0d0d0d-0d0d-4d0d-8d0d-0d0d0d0d0d0d' })).toMatchObject({ ok: false, status: 404 });
  });
});
