import { SERVICE_TOKEN_PATH } from '@kirim/contracts';
import { RemoteServiceTokenSource, ServiceTokenUnavailableError } from './service-token-source';

const SECRET = 's'.repeat(43);

function tokenAnswer(accessToken: string, expiresIn = 300): Response {
  return new Response(JSON.stringify({ accessToken, tokenType: 'Bearer', expiresIn }), { status: 200, headers: { 'content-type': 'application/json' } });
}

function jwt(label: string): string {
  return `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(label).toString('base64url')}.c2ln`;
}

describe('RemoteServiceTokenSource', () => {
  let now = 1_000_000;
  const requests: { url: string; body: Record<string, unknown> }[] = [];
  let answers: (() => Promise<Response>)[] = [];
  const fakeFetch = (async (url: URL, init?: RequestInit) => {
    requests.push({ url: url.toString(), body: JSON.parse(String(init?.body)) as Record<string, unknown> });
    const next = answers.shift();
    if (!next) throw new Error('no answer queued');
    return next();
  }) as unknown as typeof fetch;

  function source(): RemoteServiceTokenSource {
    return new RemoteServiceTokenSource({ identityUrl: 'http://identity.test', clientId: 'payments', clientSecret: SECRET, fetch: fakeFetch, now: () => now });
  }

  beforeEach(() => {
    requests.length = 0;
    answers = [];
    now = 1_000_000;
  });

  it('asks identity with its own credentials for the named audience, and caches the token', async () => {
    answers.push(async () => tokenAnswer(jwt('one')));
    const tokens = source();
    await expect(tokens.tokenFor('identity')).resolves.toBe(jwt('one'));
    await expect(tokens.tokenFor('identity')).resolves.toBe(jwt('one'));
    expect(requests).toEqual([{ url: `http://identity.test${SERVICE_TOKEN_PATH}`, body: { clientId: 'payments', clientSecret: SECRET, audience: 'identity' } }]);
  });

  it('shares one request among concurrent callers', async () => {
    answers.push(async () => tokenAnswer(jwt('shared')));
    const tokens = source();
    const all = await Promise.all([tokens.tokenFor('identity'), tokens.tokenFor('identity'), tokens.tokenFor('identity')]);
    expect(all).toEqual([jwt('shared'), jwt('shared'), jwt('shared')]);
    expect(requests).toHaveLength(1);
  });

  it('renews a token 30 s before it expires, not after', async () => {
    answers.push(async () => tokenAnswer(jwt('first'), 300), async () => tokenAnswer(jwt('second'), 300));
    const tokens = source();
    await tokens.tokenFor('identity');
    now += 269_000;
    await expect(tokens.tokenFor('identity')).resolves.toBe(jwt('first'));
    now += 2_000;
    await expect(tokens.tokenFor('identity')).resolves.toBe(jwt('second'));
  });

  it('fetches a new token after the callee refused the cached one', async () => {
    answers.push(async () => tokenAnswer(jwt('old')), async () => tokenAnswer(jwt('new')));
    const tokens = source();
    const old = await tokens.tokenFor('identity');
    tokens.forget('identity', old);
    await expect(tokens.tokenFor('identity')).resolves.toBe(jwt('new'));
  });

  it('keeps a token per audience', async () => {
    answers.push(async () => tokenAnswer(jwt('for-identity')), async () => tokenAnswer(jwt('for-bank-connector')));
    const tokens = source();
    await expect(tokens.tokenFor('identity')).resolves.toBe(jwt('for-identity'));
    await expect(tokens.tokenFor('bank-connector')).resolves.toBe(jwt('for-bank-connector'));
  });

  it('fails with a reason that never holds the secret when identity refuses, and asks again next time', async () => {
    answers.push(
      async () => new Response(JSON.stringify({ code: 'unauthenticated', detail: 'Unknown client or wrong secret.' }), { status: 401 }),
      async () => tokenAnswer(jwt('later')),
    );
    const tokens = source();
    const failure = await tokens.tokenFor('identity').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceTokenUnavailableError);
    expect(String((failure as Error).message)).toContain('identity answered 401: Unknown client or wrong secret.');
    expect(String((failure as Error).message)).not.toContain(SECRET);
    await expect(tokens.tokenFor('identity')).resolves.toBe(jwt('later'));
  });

  it('refuses an answer outside the contract', async () => {
    answers.push(async () => tokenAnswer('not-a-jwt'));
    await expect(source().tokenFor('identity')).rejects.toThrow(/unexpected answer/);
  });

  it('reports identity unreachable', async () => {
    answers.push(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(source().tokenFor('identity')).rejects.toThrow(/identity unreachable \(TypeError\)/);
  });
});
