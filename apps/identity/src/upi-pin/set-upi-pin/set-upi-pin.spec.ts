import { Logger } from '@nestjs/common';
import { RESULT_CODES } from '@kirim/contracts';
import { InternalHttpClient, ServiceTokenSource } from '@kirim/platform';
import { InMemoryLinkedAccounts } from '../../testing/in-memory-identity.fakes';
import { HttpUpiPinBank } from '../http-upi-pin-bank';
import { UpiPinBank, UpiPinBankAnswer } from '../upi-pin-bank';
import { SetUpiPin } from './set-upi-pin.use-case';

const PIN_BLOCK = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';
const ASHA = 'a0a0a0a0-a0a0-4a0a-8a0a-a0a0a0a0a0a0';
const BALA = 'b0b0b0b0-b0b0-4b0b-8b0b-b0b0b0b0b0b0';

class RecordingBank extends UpiPinBank {
  readonly calls: Array<{ accountRef: string; encryptedPin: string }> = [];
  constructor(private readonly answer: UpiPinBankAnswer) {
    super();
  }
  async setPin(accountRef: string, encryptedPin: string): Promise<UpiPinBankAnswer> {
    this.calls.push({ accountRef, encryptedPin });
    return this.answer;
  }
}

function setup(answer: UpiPinBankAnswer = { ok: true, change: 'set' }) {
  const accounts = new InMemoryLinkedAccounts();
  const linked = accounts.add({
    id: '11111111-1111-4111-8111-111111111111',
    userId: ASHA,
    bankCode: 'SBXA',
    accountRef: '22222222-2222-4222-8222-222222222222',
    maskedAccountNumber: 'XXXXXXXX1234',
    holderName: 'Asha',
    bankName: 'Sandbox Bank A',
    isPrimary: true,
    linkedAt: new Date('2026-11-30T10:00:00Z'),
  });
  const bank = new RecordingBank(answer);
  return { useCase: new SetUpiPin(accounts, bank), bank, linked };
}

describe('SetUpiPin', () => {
  it("sends the PIN block, unopened, to the bank of the caller's linked account", async () => {
    const { useCase, bank, linked } = setup();
    await expect(useCase.execute({ userId: ASHA, linkedAccountId: linked.id, encryptedPin: PIN_BLOCK })).resolves.toEqual({ ok: true, change: 'set' });
    expect(bank.calls).toEqual([{ accountRef: linked.accountRef, encryptedPin: PIN_BLOCK }]);
  });

  it("refuses another user's linked account as if it did not exist, and asks no bank", async () => {
    const { useCase, bank, linked } = setup();
    await expect(useCase.execute({ userId: BALA, linkedAccountId: linked.id, encryptedPin: PIN_BLOCK })).resolves.toEqual({ ok: false, kind: 'not-linked' });
    expect(bank.calls).toEqual([]);
  });

  it("passes the bank's refusal on with its result code", async () => {
    const { useCase, linked } = setup({ ok: false, kind: 'rejected', resultCode: RESULT_CODES.WRONG_PIN, detail: 'wrong UPI PIN' });
    await expect(useCase.execute({ userId: ASHA, linkedAccountId: linked.id, encryptedPin: PIN_BLOCK })).resolves.toMatchObject({
      ok: false,
      kind: 'rejected',
      resultCode: 'ZM',
    });
  });
});

describe('HttpUpiPinBank', () => {
  class FixedTokens extends ServiceTokenSource {
    async tokenFor(): Promise<string> {
      return 'h.identity.s';
    }
    forget(): void {
      // A fixed token has nothing to forget.
    }
  }
  const bankAnswering = (fetchImpl: typeof fetch) =>
    new HttpUpiPinBank(new InternalHttpClient({ baseUrls: { 'bank-connector': 'http://bank-connector:3003' }, tokens: new FixedTokens(), transport: fetchImpl }));
  const answering = (status: number, body: unknown): typeof fetch =>
    (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;

  beforeAll(() => Logger.overrideLogger(false));

  it("PUTs the PIN block to bank-connector's internal operation with identity's service token and reads the change", async () => {
    const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
    const fetchSpy = (async (url: URL, init?: RequestInit) => {
      seen.push({ url: url.toString(), init });
      return new Response(JSON.stringify({ change: 'changed' }), { status: 200 });
    }) as unknown as typeof fetch;
    await expect(bankAnswering(fetchSpy).setPin('22222222-2222-4222-8222-222222222222', PIN_BLOCK)).resolves.toEqual({ ok: true, change: 'changed' });
    expect(seen[0].url).toBe('http://bank-connector:3003/internal/v1/sandbox-accounts/22222222-2222-4222-8222-222222222222/upi-pin');
    expect(seen[0].init).toMatchObject({ method: 'PUT', body: JSON.stringify({ encryptedPin: PIN_BLOCK }) });
    expect(new Headers(seen[0].init?.headers).get('authorization')).toBe('Bearer h.identity.s');
  });

  it.each([
    [404, { code: 'account-not-found' }, { ok: false, kind: 'account-not-found' }],
    [422, { code: 'upi-pin-rejected', resultCode: 'Z6', detail: 'tries exceeded' }, { ok: false, kind: 'rejected', resultCode: 'Z6', detail: 'tries exceeded' }],
    [422, { code: 'upi-pin-rejected', resultCode: 'NOPE' }, { ok: false, kind: 'unavailable' }],
    [500, { code: 'internal-error' }, { ok: false, kind: 'unavailable' }],
  ])('maps a %s answer', async (status, body, expected) => {
    await expect(bankAnswering(answering(status, body)).setPin('r', PIN_BLOCK)).resolves.toEqual(expected);
  });

  it('is unavailable when bank-connector cannot be reached', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(bankAnswering(failing).setPin('r', PIN_BLOCK)).resolves.toEqual({ ok: false, kind: 'unavailable' });
  });
});
