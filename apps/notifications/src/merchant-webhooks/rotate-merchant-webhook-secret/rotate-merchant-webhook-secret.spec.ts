import { PROBLEM_CODES } from '@kirim/contracts';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { signingSecrets } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { InMemoryMerchantDirectory, InMemoryMerchantWebhookEndpoints, knownMerchant, MERCHANT, OWNER, SequentialWebhookSecrets, STRANGER } from '../../testing/in-memory-merchant-webhooks';
import type { MerchantWebhookSettings } from '../merchant-webhook-settings';
import { RegisterMerchantWebhookEndpoint } from '../register-merchant-webhook-endpoint/register-merchant-webhook-endpoint.use-case';
import { RotateMerchantWebhookSecret } from './rotate-merchant-webhook-secret.use-case';

const REGISTERED_AT = new Date('2026-11-28T10:00:00.000Z');
const SETTINGS: MerchantWebhookSettings = { urlRules: { httpAllowed: false }, secretOverlapMs: 24 * 3_600_000 };
const secretNo = (n: number): string => `whsec_${Buffer.alloc(32, n).toString('base64')}`;

describe('RotateMerchantWebhookSecret', () => {
  async function harness() {
    const directory = new InMemoryMerchantDirectory(knownMerchant());
    const endpoints = new InMemoryMerchantWebhookEndpoints();
    const secrets = new SequentialWebhookSecrets();
    const clock = new FixedClock(REGISTERED_AT);
    const registered = await new RegisterMerchantWebhookEndpoint(directory, endpoints, secrets, clock, new SequentialIds(), SETTINGS).execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://shop.example/hook' });
    if (!registered.ok) throw new Error(registered.detail);
    return { endpoints, clock, endpointId: registered.endpoint.endpointId, rotate: new RotateMerchantWebhookSecret(directory, endpoints, secrets, clock, SETTINGS) };
  }

  it('answers a new secret and keeps the old one signing until the overlap ends', async () => {
    const { endpoints, clock, endpointId, rotate } = await harness();
    const rotatedAt = new Date('2026-11-29T08:00:00.000Z');
    clock.current = rotatedAt;

    const outcome = await rotate.execute({ ownerUserId: OWNER, endpointId });

    const overlapEnds = new Date('2026-11-30T08:00:00.000Z');
    expect(outcome).toMatchObject({ ok: true, endpoint: { endpointId, secret: secretNo(2), previousSecret: secretNo(1), previousSecretExpiresAt: overlapEnds, secretRotatedAt: rotatedAt } });
    const stored = await endpoints.findById(endpointId);
    if (stored === null) throw new Error('gone');
    expect(signingSecrets(stored, new Date(overlapEnds.getTime() - 1))).toEqual([secretNo(2), secretNo(1)]);
    expect(signingSecrets(stored, overlapEnds)).toEqual([secretNo(2)]);
  });

  it('keeps only the secret just replaced when rotated again within the overlap', async () => {
    const { endpointId, rotate } = await harness();
    await rotate.execute({ ownerUserId: OWNER, endpointId });
    expect(await rotate.execute({ ownerUserId: OWNER, endpointId })).toMatchObject({ ok: true, endpoint: { secret: secretNo(3), previousSecret: secretNo(2) } });
  });

  it("answers another user's endpoint and an unknown one as not found, and changes nothing", async () => {
    const { endpoints, endpointId, rotate } = await harness();
    expect(await rotate.execute({ ownerUserId: STRANGER, endpointId })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND, detail: 'No such webhook endpoint.' });
    expect(await rotate.execute({ ownerUserId: OWNER, endpointId: '0d0d0d0d-0d0d-4d0d-8d0d-0d0d0d0d0d0d' })).toMatchObject({ ok: false, status: 404 });
    expect(await endpoints.findById(endpointId)).toMatchObject({ secret: secretNo(1), previousSecret: null });
  });

  it('refuses a disabled endpoint', async () => {
    const { endpoints, endpointId, rotate } = await harness();
    await endpoints.disable(endpointId, REGISTERED_AT);
    expect(await rotate.execute({ ownerUserId: OWNER, endpointId })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.WEBHOOK_ENDPOINT_DISABLED });
    expect(await endpoints.findById(endpointId)).toMatchObject({ secret: secretNo(1) });
  });

  it('refuses an endpoint disabled between its read and its rotation', async () => {
    const { endpoints, endpointId, rotate } = await harness();
    jest.spyOn(endpoints, 'rotateSecret').mockImplementationOnce(async (id, _secret, _until, now) => {
      await endpoints.disable(id, now);
      return null;
    });
    expect(await rotate.execute({ ownerUserId: OWNER, endpointId })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.WEBHOOK_ENDPOINT_DISABLED });
  });
});
