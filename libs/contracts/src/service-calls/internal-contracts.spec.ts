import { validatedPropertiesOf } from '../asyncapi/payload-schemas';
import { validatePayload } from '../validation';
import {
  BankLegReport,
  BankLegToReconcile,
  MAX_LEGS_PER_RECONCILIATION,
  MAX_PARTY_RESOLUTIONS_PER_CALL,
  ResolvePaymentPartiesBatchAnswer,
  ReconcileBankLegsAnswer,
  ReconcileBankLegsRequest,
  RecordedBankLeg,
  ResolvePaymentPartiesBatchRequest,
} from './internal-contracts';

/*
 * The reconcile-bank-legs bodies. BankLegToReconcile takes its leg fields from BankLegFields
 * (events/bank.ts, what the bank leg events extend): each field must still be required and
 * checked as before, and nothing unknown may pass.
 */

const REQUEST_ID = '6f1c1f0e-0b7a-4c2e-9d7f-000000000001';
const PAYMENT_ID = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const ACCOUNT_REF = '11111111-2222-4333-8444-555555555555';

const leg = (): Record<string, unknown> => ({
  requestId: REQUEST_ID,
  paymentId: PAYMENT_ID,
  purpose: 'payment',
  direction: 'debit',
  bankCode: 'SBXA',
  accountRef: ACCOUNT_REF,
  amount: { value: '500.00', currency: 'INR' },
});

const errorsOf = (cls: new () => object, body: unknown): string[] => {
  const outcome = validatePayload(cls, body);
  return outcome.ok ? [] : outcome.errors;
};

describe('ReconcileBankLegsRequest', () => {
  it('accepts a valid body, every purpose and direction', () => {
    expect(errorsOf(ReconcileBankLegsRequest, { legs: [leg()] })).toEqual([]);
    for (const purpose of ['payment', 'reversal', 'refund']) {
      for (const direction of ['debit', 'credit']) expect(errorsOf(ReconcileBankLegsRequest, { legs: [{ ...leg(), purpose, direction }] })).toEqual([]);
    }
  });

  it('validates exactly the fields of a leg asked about', () => {
    expect(validatedPropertiesOf(BankLegToReconcile).sort()).toEqual(['accountRef', 'amount', 'bankCode', 'direction', 'paymentId', 'purpose', 'requestId']);
  });

  const malformed: [field: string, value: unknown][] = [
    ['requestId', 'not-a-uuid'],
    ['paymentId', 42],
    ['purpose', 'gift'],
    ['direction', 'sideways'],
    ['bankCode', 'sbxa'],
    ['accountRef', '1234567890'],
    ['amount', '500.00'],
    ['amount', null],
  ];

  it.each(malformed)('refuses a leg whose %s is %p, naming the field', (field, value) => {
    const errors = errorsOf(ReconcileBankLegsRequest, { legs: [{ ...leg(), [field]: value }] });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.startsWith(`legs.0.${field}`))).toBe(true);
  });

  it.each(Object.keys(leg()))('refuses a leg without %s', (field) => {
    const { [field]: _dropped, ...rest } = leg();
    const errors = errorsOf(ReconcileBankLegsRequest, { legs: [rest] });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.startsWith(`legs.0.${field}`))).toBe(true);
  });

  it('refuses a bad amount inside the leg, an unknown field, and a PIN (a reconciliation never carries one)', () => {
    expect(errorsOf(ReconcileBankLegsRequest, { legs: [{ ...leg(), amount: { value: '5.001', currency: 'INR' } }] })).toEqual([expect.stringMatching(/^legs\.0\.amount\.value: /)]);
    expect(errorsOf(ReconcileBankLegsRequest, { legs: [{ ...leg(), amount: { value: '5.00', currency: 'USD' } }] })).toEqual([expect.stringMatching(/^legs\.0\.amount\.currency: /)]);
    expect(errorsOf(ReconcileBankLegsRequest, { legs: [{ ...leg(), note: 'x' }] })).toEqual([expect.stringMatching(/^legs\.0\.note: /)]);
    expect(errorsOf(ReconcileBankLegsRequest, { legs: [{ ...leg(), txnId: `KRM${'0'.repeat(32)}` }] })).toEqual([expect.stringMatching(/^legs\.0\.txnId: /)]);
    expect(errorsOf(ReconcileBankLegsRequest, { legs: [{ ...leg(), encryptedPin: 'a..b.c.d' }] })).toEqual([expect.stringMatching(/^legs\.0\.encryptedPin: /)]);
  });

  it('refuses no legs and more than a call may carry', () => {
    expect(errorsOf(ReconcileBankLegsRequest, { legs: [] })).toEqual([expect.stringMatching(/^legs: /)]);
    expect(errorsOf(ReconcileBankLegsRequest, { legs: Array.from({ length: MAX_LEGS_PER_RECONCILIATION + 1 }, leg) })).toEqual([expect.stringMatching(/^legs: /)]);
    expect(errorsOf(ReconcileBankLegsRequest, { legs: Array.from({ length: MAX_LEGS_PER_RECONCILIATION }, leg) })).toEqual([]);
  });
});

describe('ReconcileBankLegsAnswer', () => {
  const recorded = (): Record<string, unknown> => ({ purpose: 'payment', direction: 'debit', bankCode: 'SBXA', accountRef: ACCOUNT_REF, amount: { value: '500.00', currency: 'INR' } });
  const report = (): Record<string, unknown> => ({ requestId: REQUEST_ID, paymentId: PAYMENT_ID, state: 'applied', source: 'sandbox-ledger', recorded: recorded(), resultCode: '00', rrn: '000000000042', statusRequested: false });

  it('accepts a valid answer, and a report without a record', () => {
    expect(errorsOf(ReconcileBankLegsAnswer, { legs: [report()], unaskedLegs: [] })).toEqual([]);
    const { recorded: _recorded, resultCode: _code, rrn: _rrn, ...bare } = report();
    expect(errorsOf(ReconcileBankLegsAnswer, { legs: [{ ...bare, state: 'not-found', source: 'none' }], unaskedLegs: [] })).toEqual([]);
  });

  it('validates the fields it did before', () => {
    expect(validatedPropertiesOf(RecordedBankLeg).sort()).toEqual(['accountRef', 'amount', 'bankCode', 'direction', 'purpose']);
    expect(validatedPropertiesOf(BankLegReport).sort()).toEqual(['paymentId', 'recorded', 'requestId', 'resultCode', 'rrn', 'source', 'state', 'statusRequested']);
  });

  it.each([
    ['requestId', 'nope'],
    ['state', 'lost'],
    ['source', 'rumour'],
    ['resultCode', 'ZZZ'],
    ['rrn', '42'],
    ['statusRequested', 'no'],
  ])('refuses a report whose %s is %p', (field, value) => {
    const errors = errorsOf(ReconcileBankLegsAnswer, { legs: [{ ...report(), [field]: value }], unaskedLegs: [] });
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^legs\\.0\\.${field}: `))]);
  });

  it('refuses a bad recorded leg', () => {
    const errors = errorsOf(ReconcileBankLegsAnswer, { legs: [{ ...report(), recorded: { ...recorded(), bankCode: 'x' } }], unaskedLegs: [] });
    expect(errors).toEqual([expect.stringMatching(/^legs\.0\.recorded\.bankCode: /)]);
  });
});

describe('the resolve-payment-parties-batch bodies', () => {
  const PAYER = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
  const parties = {
    payer: { userId: PAYER, bankCode: 'SBXA', accountRef: ACCOUNT_REF },
    payee: { userId: PAYMENT_ID, bankCode: 'SBXB', accountRef: REQUEST_ID, displayName: 'Asha' },
  };
  const refusal = { status: 404, code: 'payee-not-found', detail: 'No user is registered with this phone number or address.', resultCode: 'ZH' };

  it('accepts from 1 to MAX_PARTY_RESOLUTIONS_PER_CALL lookups, each checked as the single operation checks its query', () => {
    expect(errorsOf(ResolvePaymentPartiesBatchRequest, { items: [{ payerUserId: PAYER, payeePhone: '+919876543210' }, { payerUserId: PAYER, payeeAddress: 'asha.k@kirim' }] })).toEqual([]);
    expect(errorsOf(ResolvePaymentPartiesBatchRequest, { items: [] })).toEqual([expect.stringMatching(/^items: /)]);
    const tooMany = Array.from({ length: MAX_PARTY_RESOLUTIONS_PER_CALL + 1 }, () => ({ payerUserId: PAYER, payeePhone: '+919876543210' }));
    expect(errorsOf(ResolvePaymentPartiesBatchRequest, { items: tooMany })).toEqual([expect.stringMatching(/^items: /)]);
    expect(errorsOf(ResolvePaymentPartiesBatchRequest, { items: [{ payerUserId: 'someone', payeePhone: '98765' }] })).toEqual([
      expect.stringMatching(/^items\.0\.payerUserId: /),
      expect.stringMatching(/^items\.0\.payeePhone: /),
    ]);
    expect(errorsOf(ResolvePaymentPartiesBatchRequest, { items: [{ payerUserId: PAYER, payeePhone: '+919876543210', pin: '1234' }] })).toEqual([expect.stringMatching(/^items\.0\.pin: /)]);
  });

  it('accepts an answer whose every result holds exactly one of the parties and a known problem', () => {
    expect(errorsOf(ResolvePaymentPartiesBatchAnswer, { results: [{ parties }, { problem: refusal }, { problem: { ...refusal, status: 429, code: 'rate-limited', resultCode: undefined, retryAfterSeconds: 3 } }] })).toEqual([]);
    expect(errorsOf(ResolvePaymentPartiesBatchAnswer, { results: [{}] })).not.toEqual([]);
    expect(errorsOf(ResolvePaymentPartiesBatchAnswer, { results: [{ parties, problem: refusal }] })).toEqual([expect.stringMatching(/^results\.0\.problem: /)]);
    expect(errorsOf(ResolvePaymentPartiesBatchAnswer, { results: [{ parties: { payer: parties.payer } }] })).toEqual([expect.stringMatching(/^results\.0\.parties\.payee: /)]);
  });

  it.each([
    ['a status outside 4xx', { ...refusal, status: 500 }, 'status'],
    ['a code that is no string', { ...refusal, code: 42 }, 'code'],
    ['a detail that is no string', { ...refusal, detail: null }, 'detail'],
    ['a Retry-After of no seconds', { ...refusal, retryAfterSeconds: 0 }, 'retryAfterSeconds'],
  ])('refuses a problem with %s', (_case, problem, field) => {
    const errors = errorsOf(ResolvePaymentPartiesBatchAnswer, { results: [{ problem }] });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((error) => !error.startsWith(`results.0.problem.${field}: `))).toEqual([]);
  });

  it("lets a problem code or result code it does not know through, for the caller to refuse that lookup only (a newer identity's)", () => {
    expect(errorsOf(ResolvePaymentPartiesBatchAnswer, { results: [{ problem: { ...refusal, code: 'payee-on-holiday', resultCode: 'QQ' } }, { parties }] })).toEqual([]);
  });
});
