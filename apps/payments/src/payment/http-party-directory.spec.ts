import { Logger } from '@nestjs/common';
import { HttpPartyDirectory } from './http-party-directory';

const PARTIES = {
  payer: { userId: 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0', bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' },
  payee: { userId: 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0', bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', displayName: 'Asha' },
};

function directoryAnswering(answer: () => Promise<Response>) {
  const requests: Array<{ url: string; init?: RequestInit }> = [];
  const fakeFetch = (async (url: URL | string | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init });
    return answer();
  }) as typeof fetch;
  return { directory: new HttpPartyDirectory({ identityUrl: 'http://identity.test:3001', fetch: fakeFetch, timeoutMs: 50 }), requests };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' } });

describe('HttpPartyDirectory', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('asks identity with the encoded phone and the caller token, and returns the parties', async () => {
    const { directory, requests } = directoryAnswering(async () => json(200, { ...PARTIES, extra: 'ignored' }));
    const result = await directory.resolve('+919876543210', 'a.b.c');

    expect(result).toEqual({ ok: true, parties: expect.objectContaining({ payer: expect.objectContaining(PARTIES.payer), payee: expect.objectContaining(PARTIES.payee) }) });
    expect(requests[0].url).toBe('http://identity.test:3001/v1/payment-parties?payeePhone=%2B919876543210');
    expect(requests[0].init?.headers).toMatchObject({ authorization: 'Bearer a.b.c' });
  });

  it.each([
    [404, { code: 'payee-not-found', detail: 'No user is registered with this phone number.', resultCode: 'ZH' }],
    [422, { code: 'payer-account-missing', detail: 'Link a bank account before paying.', resultCode: 'XH' }],
    [422, { code: 'self-payment', detail: 'The payer and the payee are the same user.' }],
  ])("passes identity's %i problem on", async (status, problem) => {
    const { directory } = directoryAnswering(async () => json(status, { type: 'x', title: 'y', status, ...problem }));
    expect(await directory.resolve('+919876543210', 'a.b.c')).toEqual({ ok: false, failure: { kind: 'refused', status, ...problem } });
  });

  it.each([
    ['a 500', async () => json(500, { code: 'internal-error', detail: 'boom' })],
    ['a problem without a known code', async () => json(404, { detail: 'Cannot GET' })],
    ['a malformed success body', async () => json(200, { payer: PARTIES.payer })],
    ['a refused connection', async () => Promise.reject(new TypeError('fetch failed'))],
  ])('reports identity unavailable on %s', async (_name, answer) => {
    const { directory } = directoryAnswering(answer);
    expect(await directory.resolve('+919876543210', 'a.b.c')).toMatchObject({ ok: false, failure: { kind: 'unavailable' } });
  });

  it('gives up after the timeout', async () => {
    const fakeFetch = ((_url: URL | string | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    const directory = new HttpPartyDirectory({ identityUrl: 'http://identity.test:3001', fetch: fakeFetch, timeoutMs: 20 });
    expect(await directory.resolve('+919876543210', 'a.b.c')).toEqual({ ok: false, failure: { kind: 'unavailable', reason: 'TimeoutError' } });
  });
});
