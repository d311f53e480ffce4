import { Logger } from '@nestjs/common';
import { InternalHttpClient, ServiceTokenSource } from '@kirim/platform';
import { HttpBankAccountDirectory } from './http-bank-account-directory';

const ACCOUNT = { accountRef: 'aaaaaaaa-0000-4000-8000-000000000001', bankCode: 'SBXA', bankName: 'Sandbox Bank A', maskedAccountNumber: 'XXXXXXXX0001', holderName: 'Asha Kumari' };

type FetchCall = { url: string; init: RequestInit | undefined };

class FixedTokens extends ServiceTokenSource {
  readonly audiences: string[] = [];
  async tokenFor(audience: string): Promise<string> {
    this.audiences.push(audience);
    return 'h.identity-for-bank-connector.s';
  }
  forget(): void {
    // A fixed token has nothing to forget.
  }
}

function directoryAnswering(respond: () => Promise<Response>): { directory: HttpBankAccountDirectory; calls: FetchCall[]; tokens: FixedTokens } {
  const calls: FetchCall[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: input.toString(), init });
    return respond();
  };
  const tokens = new FixedTokens();
  const client = new InternalHttpClient({ baseUrls: { 'bank-connector': 'http://bank-connector:3003' }, tokens, transport: fetchImpl as typeof fetch });
  return { directory: new HttpBankAccountDirectory(client), calls, tokens };
}

const json = (body: unknown, status = 200) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

describe('HttpBankAccountDirectory', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it("asks bank-connector's internal operation with identity's own service token, and returns the validated accounts", async () => {
    const { directory, calls, tokens } = directoryAnswering(() => json({ accounts: [{ ...ACCOUNT, accountNumber: '123456780001' }] }));

    const result = await directory.findAccountsByMobile('+919876500001');

    expect(result).toEqual({ ok: true, accounts: [ACCOUNT] });
    expect(calls[0].url).toBe('http://bank-connector:3003/internal/v1/bank-accounts?mobile=%2B919876500001');
    expect(new Headers(calls[0].init?.headers).get('authorization')).toBe('Bearer h.identity-for-bank-connector.s');
    expect(tokens.audiences).toEqual(['bank-connector']);
  });

  it.each([
    ['a network error', () => Promise.reject(new TypeError('fetch failed'))],
    ['a timeout', () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))],
    ['a 500', () => json({ title: 'boom' }, 500)],
    ['a 403', () => json({ code: 'forbidden' }, 403)],
    ['a non-JSON body', () => Promise.resolve(new Response('<html>', { status: 200 }))],
    ['a bare array (not the contract)', () => json([ACCOUNT])],
    ['an invalid account', () => json({ accounts: [{ ...ACCOUNT, maskedAccountNumber: '123456789012' }] })],
    ['an account without the holder name', () => json({ accounts: [{ ...ACCOUNT, holderName: undefined }] })],
    ['a holder name with a control character', () => json({ accounts: [{ ...ACCOUNT, holderName: 'Asha\u0000Kumari' }] })],
    ['an overlong holder name', () => json({ accounts: [{ ...ACCOUNT, holderName: 'A'.repeat(101) }] })],
  ])('reports %s as unavailable', async (_label, respond) => {
    const { directory } = directoryAnswering(respond);
    expect(await directory.findAccountsByMobile('+919876500001')).toEqual({ ok: false, reason: 'unavailable' });
  });
});
