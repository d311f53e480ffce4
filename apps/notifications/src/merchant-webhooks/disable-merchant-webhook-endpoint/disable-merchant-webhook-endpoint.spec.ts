import { PROBLEM_CODES } from '@kirim/contracts';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { merchantEndpointKey } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { InMemoryMerchantDirectory, InMemoryMerchantWebhookEndpoints, knownMerchant, MERCHANT, OWNER, SequentialWebhookSecrets, STRANGER } from '../../testing/in-memory-merchant-webhooks';
import { RegisterMerchantWebhookEndpoint } from '../register-merchant-webhook-endpoint/register-merchant-webhook-endpoint.use-case';
import { DisableMerchantWebhookEndpoint } from './disable-merchant-webhook-endpoint.use-case';

const REGISTERED_AT = new Date('2026-11-28T10:00:00.000Z');

describe('DisableMerchantWebhookEndpoint', () => {
  async function harness() {
    const directory = new InMemoryMerchantDirectory(knownMerchant());
    const endpoints = new InMemoryMerchantWebhookEndpoints();
    const clock = new FixedClock(REGISTERED_AT);
    const registered = await new RegisterMerchantWebhookEndpoint(directory, endpoints, new SequentialWebhookSecrets(), clock, new SequentialIds(), {
      urlRules: { httpAllowed: false },
      secretOverlapMs: 3_600_000,
    }).execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://shop.example/hook' });
    if (!registered.ok) throw new Error(registered.detail);
    return { endpoints, clock, endpointId: registered.endpoint.endpointId, disable: new DisableMerchantWebhookEndpoint(directory, endpoints, clock) };
  }

  it("disables the endpoint and ends its deliveries not yet made", async () => {
    const { endpoints, clock, endpointId, disable } = await harness();
    const disabledAt = new Date('2026-11-28T11:00:00.000Z');
    clock.current = disabledAt;

    expect(await disable.execute({ ownerUserId: OWNER, endpointId })).toMatchObject({ ok: true, endpoint: { endpointId, status: 'disabled', disabledAt } });
    expect(endpoints.endedDeliveriesOf).toEqual([merchantEndpointKey(endpointId)]);
    expect(await endpoints.allEnabled()).toEqual([]);
  });

  it('answers a disabled endpoint unchanged when disabled again', async () => {
    const { endpoints, clock, endpointId, disable } = await harness();
    const first = await disable.execute({ ownerUserId: OWNER, endpointId });
    clock.current = new Date('2026-11-28T12:00:00.000Z');

    expect(await disable.execute({ ownerUserId: OWNER, endpointId })).toEqual(first);
    expect(endpoints.endedDeliveriesOf).toHaveLength(1);
  });

  it("answers another user's endpoint and an unknown one as not found, and leaves them enabled", async () => {
    const { endpoints, endpointId, disable } = await harness();
    expect(await disable.execute({ ownerUserId: STRANGER, endpointId })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND });
    expect(await disable.execute({ ownerUserId: OWNER, endpointId: '0d0d0d0d-0d0d-4d0d-8d0d-0d0d0d0d0d0d' })).toMatchObject({ ok: false, status: 404 });
    expect(await endpoints.findById(endpointId)).toMatchObject({ status: 'enabled' });
    expect(endpoints.endedDeliveriesOf).toEqual([]);
  });
});
