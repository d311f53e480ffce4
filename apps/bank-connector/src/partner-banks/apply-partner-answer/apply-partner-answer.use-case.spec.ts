import { Logger } from '@nestjs/common';
import { accountDigest, EVENT_TYPES, Money, PartnerLegAnswered } from '@kirim/contracts';
import { MessageRefusedError } from '@kirim/messaging';
import { FakeTransactionScope, FixedClock } from '@kirim/testing';
import type { PartnerLeg } from '../partner-leg';
import { InMemoryPartnerLegRepository, onePartnerRegistry } from '../../testing/bank-connector-fakes';
import { ApplyPartnerAnswer } from './apply-partner-answer.use-case';

const REQUEST_ID = '6f1c1f0e-0b7a-4c2e-9d7f-0d5c2b1a9e01';
const PAYMENT_ID = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const ACCOUNT_REF = '11111111-2222-4333-8444-555555555555';

const sentLeg: PartnerLeg = {
  requestId: REQUEST_ID,
  paymentId: PAYMENT_ID,
  txnId: `KRM${'0'.repeat(32)}`,
  purpose: 'payment',
  direction: 'debit',
  bankCode: 'XMPL',
  accountRef: ACCOUNT_REF,
  amount: Money.ofMinor(50_000n, 'INR'),
  forwardedAt: new Date('2026-11-28T09:59:59.000Z'),
  forwards: 1,
  answer: null,
  answeredAt: null,
};

function answer(overrides: Partial<PartnerLegAnswered> = {}): PartnerLegAnswered {
  return {
    requestId: REQUEST_ID,
    paymentId: PAYMENT_ID,
    purpose: 'payment',
    bankCode: 'XMPL',
    amount: { value: '500.00', currency: 'INR' },
    accountDigest: accountDigest(REQUEST_ID, ACCOUNT_REF),
    resultCode: '00',
    rrn: '000000000042',
    ...overrides,
  };
}

describe('ApplyPartnerAnswer', () => {
  let legs: InMemoryPartnerLegRepository;
  let useCase: ApplyPartnerAnswer;
  const clock = new FixedClock();

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    legs = new InMemoryPartnerLegRepository();
    legs.rows.set(REQUEST_ID, sentLeg);
    useCase = new ApplyPartnerAnswer(legs, (await onePartnerRegistry()).registry, clock);
  });

  it("passes a matching success on to payments, naming the leg as kirim asked it, and records it", async () => {
    const tx = new FakeTransactionScope();

    expect(await useCase.execute(tx, { direction: 'debit', approved: true, answer: answer() })).toBe('applied');

    expect(tx.published).toEqual([
      {
        type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED,
        key: PAYMENT_ID,
        data: { requestId: REQUEST_ID, paymentId: PAYMENT_ID, purpose: 'payment', bankCode: 'XMPL', accountRef: ACCOUNT_REF, amount: { value: '500.00', currency: 'INR' }, resultCode: '00', rrn: '000000000042' },
      },
    ]);
    expect(legs.rows.get(REQUEST_ID)).toMatchObject({ answer: { approved: true, rrn: '000000000042' }, answeredAt: clock.now() });
  });

  it('passes a decline on with its code', async () => {
    const tx = new FakeTransactionScope();
    await useCase.execute(tx, { direction: 'debit', approved: false, answer: answer({ resultCode: 'Z9', rrn: undefined, reason: 'insufficient funds' }) });
    expect(tx.published[0]).toMatchObject({ type: EVENT_TYPES.BANK_DEBIT_DECLINED, data: { resultCode: 'Z9', reason: 'insufficient funds' } });
  });

  it('ignores the same answer again (a redelivery, or the bank re-answering a status check)', async () => {
    await useCase.execute(new FakeTransactionScope(), { direction: 'debit', approved: true, answer: answer() });
    const tx = new FakeTransactionScope();
    expect(await useCase.execute(tx, { direction: 'debit', approved: true, answer: answer() })).toBe('duplicate');
    expect(tx.published).toEqual([]);
  });

  it.each([
    ['another amount', { amount: { value: '50000.00', currency: 'INR' as const } }, /amount 50000\.00 INR \(asked 500\.00 INR\)/],
    ['another account', { accountDigest: accountDigest(REQUEST_ID, '99999999-2222-4333-8444-555555555555') }, /account/],
    ['another payment', { paymentId: '99999999-6e5f-4a3b-8c2d-1e0f9a8b7c6d' }, /paymentId/],
    ['another purpose', { purpose: 'reversal' as const }, /purpose reversal/],
    ['a success without an rrn', { rrn: undefined }, /rrn/],
    ['a request kirim never sent', { requestId: '99999999-0b7a-4c2e-9d7f-0d5c2b1a9e01' }, /never sent/],
  ])('refuses an answer with %s: dead-lettered with the reason, nothing passed on, nothing recorded', async (_what, change, reason) => {
    const tx = new FakeTransactionScope();

    const applying = useCase.execute(tx, { direction: 'debit', approved: true, answer: answer(change) });

    await expect(applying).rejects.toThrow(MessageRefusedError);
    await expect(applying).rejects.toThrow(reason);
    expect(tx.published).toEqual([]);
    expect(legs.rows.get(REQUEST_ID)?.answer).toBeNull();
  });

  it("refuses '01' (pending) as a decline: status checks ask again instead", async () => {
    await expect(useCase.execute(new FakeTransactionScope(), { direction: 'debit', approved: false, answer: answer({ resultCode: '01', rrn: undefined }) })).rejects.toThrow(/pending/);
    expect(legs.rows.get(REQUEST_ID)?.answer).toBeNull();
  });

  it('refuses an answer of the other direction', async () => {
    await expect(useCase.execute(new FakeTransactionScope(), { direction: 'credit', approved: true, answer: answer() })).rejects.toThrow(/direction credit \(asked debit\)/);
  });

  it('refuses a second, different answer to one leg', async () => {
    await useCase.execute(new FakeTransactionScope(), { direction: 'debit', approved: true, answer: answer() });
    await expect(useCase.execute(new FakeTransactionScope(), { direction: 'debit', approved: false, answer: answer({ resultCode: 'Z9', rrn: undefined }) })).rejects.toThrow(
      /answered request .* before, differently/,
    );
  });
});
