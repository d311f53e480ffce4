import { IsString, Matches } from 'class-validator';
import { InternalOperation } from '@kirim/contracts';
import { InternalHttpClient } from './internal-http-client';
import { ServiceTokenSource } from './service-token-source';

class Answer {
  @IsString()
  @Matches(/^[a-z]+$/)
  name!: string;
}

const OPERATION: InternalOperation = { name: 'find-thing', service: 'identity', method: 'GET', path: '/internal/v1/things/:thingId', callers: ['payments'] };

class FakeTokens extends ServiceTokenSource {
  issued = 0;
  readonly forgotten: string[] = [];
  async tokenFor(): Promise<string> {
    this.issued += 1;
    return `h.p${this.issued}.s`;
  }
  forget(_audience: string, token: string): void {
    this.forgotten.push(token);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('InternalHttpClient', () => {
  const seen: { url: string; authorization: string | null }[] = [];
  let answers: Response[] = [];
  let tokens: FakeTokens;
  const fakeFetch = (async (url: URL, init?: RequestInit) => {
    seen.push({ url: url.toString(), authorization: new Headers(init?.headers).get('authorization') });
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed');
    return next;
  }) as unknown as typeof fetch;

  function client(): InternalHttpClient {
    return new InternalHttpClient({ baseUrls: { identity: 'http://identity.test' }, tokens, transport: fakeFetch });
  }

  beforeEach(() => {
    seen.length = 0;
    answers = [];
    tokens = new FakeTokens();
  });

  it("calls the declared path with its own service token and returns the validated answer", async () => {
    answers.push(json(200, { name: 'asha', extra: 'dropped' }));
    const result = await client().call(OPERATION, { params: { thingId: 'a/b' }, query: { phone: '+919800000001' } }, Answer);
    expect(result).toEqual({ ok: true, value: { name: 'asha' } });
    expect(seen).toEqual([{ url: 'http://identity.test/internal/v1/things/a%2Fb?phone=%2B919800000001', authorization: 'Bearer h.p1.s' }]);
  });

  it('passes on a problem the callee meant for this request', async () => {
    answers.push(json(404, { code: 'payee-not-found', detail: 'No such payee.', resultCode: 'ZH' }));
    const result = await client().call(OPERATION, { params: { thingId: 'x' } }, Answer);
    expect(result).toEqual({ ok: false, kind: 'refused', status: 404, problem: { code: 'payee-not-found', detail: 'No such payee.', resultCode: 'ZH' } });
  });

  it("passes a 429's Retry-After on with the problem", async () => {
    answers.push(new Response(JSON.stringify({ code: 'rate-limited', detail: 'Too many payee lookups.' }), { status: 429, headers: { 'retry-after': '30' } }));
    const result = await client().call(OPERATION, { params: { thingId: 'x' } }, Answer);
    expect(result).toEqual({ ok: false, kind: 'refused', status: 429, problem: { code: 'rate-limited', detail: 'Too many payee lookups.', retryAfterSeconds: 30 } });
  });

  it('treats an answer outside the contract as unavailable, never as data', async () => {
    answers.push(json(200, { name: 'NOT LOWER' }));
    const result = await client().call(OPERATION, { params: { thingId: 'x' } }, Answer);
    expect(result).toMatchObject({ ok: false, kind: 'unavailable' });
  });

  it('renews a refused token once, then gives up', async () => {
    answers.push(json(401, { code: 'unauthenticated' }), json(200, { name: 'ok' }));
    await expect(client().call(OPERATION, { params: { thingId: 'x' } }, Answer)).resolves.toEqual({ ok: true, value: { name: 'ok' } });
    expect(tokens.forgotten).toEqual(['h.p1.s']);
    expect(seen.map((call) => call.authorization)).toEqual(['Bearer h.p1.s', 'Bearer h.p2.s']);

    answers.push(json(401, { code: 'unauthenticated' }), json(401, { code: 'unauthenticated' }));
    await expect(client().call(OPERATION, { params: { thingId: 'x' } }, Answer)).resolves.toMatchObject({ ok: false, kind: 'unavailable' });
  });

  it('reports 5xx, unknown problems and an unreachable callee as unavailable', async () => {
    answers.push(json(503, { code: 'dependency-unavailable' }), json(400, { code: 'made-up' }));
    await expect(client().call(OPERATION, { params: { thingId: 'x' } }, Answer)).resolves.toMatchObject({ kind: 'unavailable', reason: 'identity answered 503' });
    await expect(client().call(OPERATION, { params: { thingId: 'x' } }, Answer)).resolves.toMatchObject({ kind: 'unavailable', reason: 'identity answered 400' });
    await expect(client().call(OPERATION, { params: { thingId: 'x' } }, Answer)).resolves.toMatchObject({ kind: 'unavailable', reason: 'identity unreachable (TypeError)' });
  });
});
