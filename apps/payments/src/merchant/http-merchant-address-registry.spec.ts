import { Logger } from '@nestjs/common';
import { InternalHttpClient, ServiceTokenSource } from '@kirim/platform';
import { HttpMerchantAddressRegistry } from './http-merchant-address-registry';

const CLAIM = { merchantId: '5a5a5a5a-5a5a-5a5a-8a5a-5a5a5a5a5a5a', ownerUserId: 'e0e0e0e0-e0e0-4e0e-8e0e-e0e0e0e0e0e0', handle: 'chai.point' };

class FixedTokens extends ServiceTokenSource {
  readonly audiences: string[] = [];
  async tokenFor(audience: string): Promise<string> {
    this.audiences.push(audience);
    return 'h.payments-for-identity.s';
  }
  forget(): void {
    // A fixed token has nothing to forget.
  }
}

function registryAnswering(answer: () => Promise<Response>) {
  const requests: Array<{ url: string; init?: RequestInit }> = [];
  const fakeFetch = (async (url: URL | string | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init });
    return answer();
  }) as typeof fetch;
  const tokens = new FixedTokens();
  const client = new InternalHttpClient({ baseUrls: { identity: 'http://identity.test:3001' }, tokens, transport: fakeFetch, timeoutMs: 50 });
  return { registry: new HttpMerchantAddressRegistry(client), requests, tokens };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' } });

describe('HttpMerchantAddressRegistry', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it("posts the claim to identity's reserve-merchant-address with payments' own service token", async () => {
    const { registry, requests, tokens } = registryAnswering(async () => json(201, { merchantId: CLAIM.merchantId, ownerUserId: CLAIM.ownerUserId, address: 'chai.point@kirim' }));

    expect(await registry.reserve(CLAIM)).toEqual({ ok: true });
    expect(requests[0].url).toBe('http://identity.test:3001/internal/v1/merchant-addresses');
    expect(requests[0].init?.method).toBe('POST');
    expect(JSON.parse(String(requests[0].init?.body))).toEqual(CLAIM);
    expect(new Headers(requests[0].init?.headers).get('authorization')).toBe('Bearer h.payments-for-identity.s');
    expect(tokens.audiences).toEqual(['identity']);
  });

  it('takes a 200 (this merchant held it already: a retry) as reserved too', async () => {
    const { registry } = registryAnswering(async () => json(200, { merchantId: CLAIM.merchantId, ownerUserId: CLAIM.ownerUserId, address: 'chai.point@kirim' }));
    expect(await registry.reserve(CLAIM)).toEqual({ ok: true });
  });

  it.each([
    [409, 'payment-address-taken', 'taken'],
    [409, 'payment-address-confusable', 'confusable'],
    [422, 'payment-address-reserved', 'reserved'],
    [422, 'payment-address-invalid', 'invalid'],
  ])('passes on %i %s as %s with identity’s detail', async (status, code, refusal) => {
    const { registry } = registryAnswering(async () => json(status, { type: `https://kirim.dev/problems/${code}`, status, code, detail: 'identity says so' }));
    expect(await registry.reserve(CLAIM)).toEqual({ ok: false, refusal, detail: 'identity says so' });
  });

  it.each([
    ['a 403 (payments not allowed: a wiring fault)', async () => json(403, { status: 403, code: 'forbidden', detail: 'no' })],
    ['a 422 owner unknown', async () => json(422, { status: 422, code: 'validation-failed', detail: 'ownerUserId: no registered user has this id.' })],
    ['a 500', async () => json(500, { status: 500, code: 'internal-error' })],
    ['an answer outside the contract', async () => json(201, { merchantId: 'not-a-uuid' })],
    ['an answer about another merchant', async () => json(201, { merchantId: '6b6b6b6b-6b6b-5b6b-8b6b-6b6b6b6b6b6b', ownerUserId: CLAIM.ownerUserId, address: 'chai.point@kirim' })],
    ['no answer', async () => Promise.reject(new TypeError('fetch failed'))],
  ])('takes %s as identity unavailable, never as an answer about the handle', async (_case, answer) => {
    const { registry } = registryAnswering(answer);
    expect(await registry.reserve(CLAIM)).toMatchObject({ ok: false, refusal: 'unavailable' });
  });
});
