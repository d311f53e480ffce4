import { Logger } from '@nestjs/common';
import { HttpBankAccountDirectory } from './http-bank-account-directory';

const ACCOUNT = { accountRef: 'aaaaaaaa-0000-4000-8000-000000000001', bankCode: 'SBXA', bankName: 'Sandbox Bank A', maskedAccountNumber: 'XXXXXXXX0001' };

type FetchCall = { url: string; init: RequestInit | undefined };

/** A stand-in for global fetch that records calls and answers with `respond` (no network). */
function fakeFetch(respond: () => Promise<Response>): { fetch: typeof fetch; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: input.toString(), init });
    return respond();
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}

const json = (body: unknown, status = 200) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

describe('HttpBankAccountDirectory', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('asks bank-connector by mobile with the caller token and returns the validated accounts', async () => {
    const { fetch, calls } = fakeFetch(() => json([{ ...ACCOUNT, holderName: 'ignored' }]));
    const directory = new HttpBankAccountDirectory({ baseUrl: 'http://bank-connector:3003', fetch });

    const result = await directory.findAccountsByMobile('+919876500001', 'the-token');

    expect(result).toEqual({ ok: true, accounts: [ACCOUNT] });
    expect(calls[0].url).toBe('http://bank-connector:3003/v1/bank-accounts?mobile=%2B919876500001');
    expect(calls[0].init?.headers).toMatchObject({ authorization: 'Bearer the-token' });
    expect(calls[0].init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('accepts an { accounts: [...] } envelope', async () => {
    const directory = new HttpBankAccountDirectory({ baseUrl: 'http://bc', fetch: fakeFetch(() => json({ accounts: [ACCOUNT] })).fetch });
    expect(await directory.findAccountsByMobile('+919876500001', 't')).toEqual({ ok: true, accounts: [ACCOUNT] });
  });

  it.each([
    ['a network error', () => Promise.reject(new TypeError('fetch failed'))],
    ['a timeout', () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))],
    ['a 500', () => json({ title: 'boom' }, 500)],
    ['a 401', () => json({ title: 'no' }, 401)],
    ['a non-JSON body', () => Promise.resolve(new Response('<html>', { status: 200 }))],
    ['an unexpected shape', () => json({ items: [] })],
    ['an invalid account', () => json([{ ...ACCOUNT, maskedAccountNumber: '123456789012' }])],
  ])('reports %s as unavailable', async (_label, respond) => {
    const directory = new HttpBankAccountDirectory({ baseUrl: 'http://bc', fetch: fakeFetch(respond).fetch });
    expect(await directory.findAccountsByMobile('+919876500001', 't')).toEqual({ ok: false, reason: 'unavailable' });
  });
});
