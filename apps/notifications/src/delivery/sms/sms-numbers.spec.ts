import { Logger } from '@nestjs/common';
import { InternalHttpClient, ServiceTokenSource } from '@kirim/platform';
import { IdentitySmsNumbers } from './sms-numbers';

const USER = '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60';

class FixedTokens extends ServiceTokenSource {
  readonly audiences: string[] = [];
  async tokenFor(audience: string): Promise<string> {
    this.audiences.push(audience);
    return 'h.notifications-for-identity.s';
  }
  forget(): void {
    // A fixed token has nothing to forget.
  }
}

function numbersAnswering(answer: () => Promise<Response>) {
  const requests: { url: string; init?: RequestInit }[] = [];
  const fakeFetch = (async (url: URL | string | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init });
    return answer();
  }) as typeof fetch;
  const tokens = new FixedTokens();
  const client = new InternalHttpClient({ baseUrls: { identity: 'http://identity.test:3001' }, tokens, transport: fakeFetch });
  return { numbers: new IdentitySmsNumbers(client, 500), requests, tokens };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' } });

describe('IdentitySmsNumbers', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it("asks identity's get-sms-number for the user with notifications' own service token", async () => {
    const { numbers, requests, tokens } = numbersAnswering(async () => json(200, { phone: '+919876543210' }));

    expect(await numbers.numberOf(USER)).toEqual({ kind: 'found', phone: '+919876543210' });
    expect(requests.map((r) => [r.init?.method, r.url])).toEqual([['GET', `http://identity.test:3001/internal/v1/users/${USER}/sms-number`]]);
    expect(new Headers(requests[0].init?.headers).get('authorization')).toBe('Bearer h.notifications-for-identity.s');
    expect(tokens.audiences).toEqual(['identity']);
  });

  it("takes identity's user-not-found as no number: no attempt can succeed", async () => {
    const { numbers } = numbersAnswering(async () => json(404, { type: 'x', title: 'No such user', status: 404, code: 'user-not-found', detail: 'No user has this id.' }));
    expect(await numbers.numberOf(USER)).toEqual({ kind: 'none' });
  });

  it.each([
    ['a 503', async () => json(503, { code: 'internal-error' }), 'identity answered 503'],
    ['a 404 without a problem code', async () => json(404, { message: 'Cannot GET' }), 'identity answered 404'],
    // What identity's problem filter makes of a route it does not have (a replica mid-rollout).
    ['a plain not-found (a route not deployed yet)', async () => json(404, { type: 'x', title: 'Not found', status: 404, code: 'not-found', detail: 'Cannot GET' }), 'identity answered 404'],
    ['a 403 problem (a wiring fault, not the user)', async () => json(403, { code: 'forbidden', detail: 'no' }), 'identity answered 403'],
    ['a number that is not E.164', async () => json(200, { phone: '98765 43210' }), 'identity answered outside the contract'],
    [
      'no answer',
      async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      },
      'identity unreachable (TypeError)',
    ],
  ])('takes %s as unavailable, worth trying again', async (_case, answer, reason) => {
    const { numbers } = numbersAnswering(answer);
    expect(await numbers.numberOf(USER)).toEqual({ kind: 'unavailable', reason });
  });
});
