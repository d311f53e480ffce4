import { PROBLEM_CODES } from '@kirim/contracts';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { MAX_ENABLED_ENDPOINTS_PER_MERCHANT } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { InMemoryMerchantDirectory, InMemoryMerchantWebhookEndpoints, knownMerchant, MERCHANT, OTHER_MERCHANT, OWNER, SequentialWebhookSecrets, STRANGER } from '../../testing/in-memory-merchant-webhooks';
import type { MerchantWebhookSettings } from '../merchant-webhook-settings';
import { RegisterMerchantWebhookEndpoint } from './register-merchant-webhook-endpoint.use-case';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const STRICT: MerchantWebhookSettings = { urlRules: { httpAllowed: false }, secretOverlapMs: 86_400_000 };

function harness(settings = STRICT) {
  const directory = new InMemoryMerchantDirectory(knownMerchant(), knownMerchant({ merchantId: OTHER_MERCHANT, ownerUserId: STRANGER }));
  const endpoints = new InMemoryMerchantWebhookEndpoints();
  const register = new RegisterMerchantWebhookEndpoint(directory, endpoints, new SequentialWebhookSecrets(), new FixedClock(NOW), new SequentialIds(), settings);
  return { endpoints, register };
}

describe('RegisterMerchantWebhookEndpoint', () => {
  it('stores an enabled endpoint with its own new secret, and answers the secret', async () => {
    const { endpoints, register } = harness();

    const outcome = await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://shop.example/webhooks/kirim' });

    const expected = {
      endpointId: '00000000-0000-4000-8000-000000000001',
      merchantId: MERCHANT,
      url: 'https://shop.example/webhooks/kirim',
      status: 'enabled',
      secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: NOW,
      secretRotatedAt: null,
      disabledAt: null,
    };
    expect(outcome).toEqual({ ok: true, endpoint: expected });
    expect([...endpoints.rows.values()]).toEqual([expected]);
  });

  it('gives every endpoint a secret of its own', async () => {
    const { register } = harness();
    const first = await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://shop.example/a' });
    const second = await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://shop.example/b' });
    if (!first.ok || !second.ok) throw new Error('not registered');
    expect(first.endpoint.secret).not.toBe(second.endpoint.secret);
  });

  it('stores the URL as the parser writes it, the form that was checked', async () => {
    const { register } = harness();
    expect(await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'HTTPS://Shop.Example' })).toMatchObject({ ok: true, endpoint: { url: 'https://shop.example/' } });
  });

  it.each([
    ['an unknown merchant', OWNER, '0d0d0d0d-0d0d-4d0d-8d0d-0d0d0d0d0d0d'],
    ["another user's merchant", OWNER, OTHER_MERCHANT],
    ['a merchant by someone who does not own it', STRANGER, MERCHANT],
  ])('answers %s as not found, and stores nothing', async (_case, ownerUserId, merchantId) => {
    const { endpoints, register } = harness();

    expect(await register.execute({ ownerUserId, merchantId, url: 'https://shop.example/hook' })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND, detail: 'No such merchant.' });
    expect(endpoints.rows.size).toBe(0);
  });

  it('refuses a URL against the rules, saying which, and stores nothing', async () => {
    const { endpoints, register } = harness();

    expect(await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://169.254.169.254/latest' })).toEqual({
      ok: false,
      status: 422,
      code: PROBLEM_CODES.WEBHOOK_URL_INVALID,
      detail: 'url must not point at a loopback, private, link-local or unique-local address.',
    });
    expect(await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'http://shop.example/hook' })).toMatchObject({ status: 422, code: PROBLEM_CODES.WEBHOOK_URL_INVALID });
    expect(endpoints.rows.size).toBe(0);
  });

  it('takes an http URL on this machine when the local stack allows it', async () => {
    const { register } = harness({ ...STRICT, urlRules: { httpAllowed: true } });
    expect(await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'http://127.0.0.1:3021/merchant' })).toMatchObject({ ok: true, endpoint: { url: 'http://127.0.0.1:3021/merchant' } });
  });

  it('refuses one more than the limit of enabled endpoints, and takes one again after a disabling', async () => {
    const { endpoints, register } = harness();
    const made = [];
    for (let i = 0; i < MAX_ENABLED_ENDPOINTS_PER_MERCHANT; i += 1) made.push(await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: `https://shop.example/${i}` }));
    expect(made.every((outcome) => outcome.ok)).toBe(true);

    expect(await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://shop.example/more' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.WEBHOOK_ENDPOINT_LIMIT });

    await endpoints.disable('00000000-0000-4000-8000-000000000001', NOW);
    expect(await register.execute({ ownerUserId: OWNER, merchantId: MERCHANT, url: 'https://shop.example/more' })).toMatchObject({ ok: true });
  });
});
