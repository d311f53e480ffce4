import { Logger } from '@nestjs/common';
import { accountDigest, BankLegRequested, Money, PartnerLegAnswered } from '@kirim/contracts';
import { catalogueMismatches, serviceMetrics } from '@kirim/platform';
import { FakeTransactionScope, FixedClock } from '@kirim/testing';
import { ApplyPartnerAnswer } from '../partner-banks/apply-partner-answer/apply-partner-answer.use-case';
import type { PartnerLeg } from '../partner-banks/partner-leg';
import { InMemoryPartnerLegRepository, onePartnerRegistry } from '../testing/bank-connector-fakes';
import { ApplyBankLeg } from './apply-bank-leg/apply-bank-leg.use-case';
import { BankAdapter, BankLegOutcome } from './bank-adapter.port';
import { BankAdapterRouter } from './bank-adapter.router';

const REQUEST_ID = '6f1c1f0e-0b7a-4c2e-9d7f-0d5c2b1a9e01';
const PAYMENT_ID = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const ACCOUNT_REF = '11111111-2222-4333-8444-555555555555';

async function count(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await serviceMetrics.getSingleMetric(name)?.get();
  return metric?.values.find((value) => Object.entries(labels).every(([label, text]) => value.labels[label] === text))?.value ?? 0;
}

function bankAnswering(bankCodes: readonly string[], outcome: BankLegOutcome): BankAdapter {
  return { name: 'fake', bankCodes, apply: async () => outcome };
}

function legRequest(bankCode: string): BankLegRequested {
  return Object.assign(new BankLegRequested(), {
    requestId: REQUEST_ID,
    paymentId: PAYMENT_ID,
    txnId: `KRM${'0'.repeat(32)}`,
    purpose: 'payment',
    bankCode,
    accountRef: ACCOUNT_REF,
    amount: { value: '500.00', currency: 'INR' },
  });
}

describe("bank-connector's metrics", () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('are the catalogue entries bank-connector owns, with their types and labels', () => {
    expect(catalogueMismatches(serviceMetrics, 'bank-connector')).toEqual([]);
  });

  it('count each leg applied by bank, direction and outcome, once its transaction has committed', async () => {
    const labels = { bank: 'SBXA', direction: 'debit', outcome: 'declined' };
    const before = await count('kirim_bank_legs_total', labels);
    const useCase = new ApplyBankLeg(new BankAdapterRouter([bankAnswering(['SBXA'], { kind: 'declined', resultCode: 'Z9', reason: 'insufficient funds' })]));
    const tx = new FakeTransactionScope();
    await useCase.execute(tx, { direction: 'debit', request: legRequest('SBXA') });
    expect(await count('kirim_bank_legs_total', labels)).toBe(before);
    tx.commit();
    expect(await count('kirim_bank_legs_total', labels)).toBe(before + 1);
  });

  it('count nothing for a leg whose transaction rolls back, and once for the retry that commits', async () => {
    const labels = { bank: 'SBXA', direction: 'credit', outcome: 'approved' };
    const before = await count('kirim_bank_legs_total', labels);
    const useCase = new ApplyBankLeg(new BankAdapterRouter([bankAnswering(['SBXA'], { kind: 'approved', rrn: '000000000042' })]));
    // The first attempt's transaction never commits (a neighbour's failure rolls the chunk back).
    await useCase.execute(new FakeTransactionScope(), { direction: 'credit', request: legRequest('SBXA') });
    const retry = new FakeTransactionScope();
    await useCase.execute(retry, { direction: 'credit', request: legRequest('SBXA') });
    retry.commit();
    expect(await count('kirim_bank_legs_total', labels)).toBe(before + 1);
  });

  it('label a bank no connector answers for as unknown, never with the code the message named', async () => {
    const before = await count('kirim_bank_legs_total', { bank: 'unknown', direction: 'credit', outcome: 'declined' });
    const useCase = new ApplyBankLeg(new BankAdapterRouter([bankAnswering(['SBXA'], { kind: 'approved', rrn: '000000000042' })]));
    const tx = new FakeTransactionScope();
    await useCase.execute(tx, { direction: 'credit', request: legRequest('ZZZQ') });
    tx.commit();
    expect(await count('kirim_bank_legs_total', { bank: 'unknown', direction: 'credit', outcome: 'declined' })).toBe(before + 1);
    expect(await serviceMetrics.metrics()).not.toContain('ZZZQ');
  });

  it("count a partner bank's answers, time them from the forwarding, and count the same answer again as a duplicate", async () => {
    const clock = new FixedClock(new Date('2026-11-28T10:00:00.000Z'));
    const legs = new InMemoryPartnerLegRepository();
    const sent: PartnerLeg = {
      requestId: REQUEST_ID,
      paymentId: PAYMENT_ID,
      txnId: `KRM${'0'.repeat(32)}`,
      purpose: 'payment',
      direction: 'debit',
      bankCode: 'XMPL',
      accountRef: ACCOUNT_REF,
      amount: Money.ofMinor(50_000n, 'INR'),
      forwardedAt: new Date('2026-11-28T09:59:58.500Z'),
      forwards: 1,
      answer: null,
      answeredAt: null,
    };
    legs.rows.set(REQUEST_ID, sent);
    const useCase = new ApplyPartnerAnswer(legs, (await onePartnerRegistry()).registry, clock);
    const answer: PartnerLegAnswered = {
      requestId: REQUEST_ID,
      paymentId: PAYMENT_ID,
      purpose: 'payment',
      bankCode: 'XMPL',
      amount: { value: '500.00', currency: 'INR' },
      accountDigest: accountDigest(REQUEST_ID, ACCOUNT_REF),
      resultCode: '00',
      rrn: '000000000042',
    };
    const approved = { bank: 'XMPL', direction: 'debit', outcome: 'approved' };
    const duplicate = { bank: 'XMPL', direction: 'debit', outcome: 'duplicate' };
    const [approvedBefore, duplicateBefore] = [await count('kirim_partner_bank_answers_total', approved), await count('kirim_partner_bank_answers_total', duplicate)];
    const durationSum = async (): Promise<number> =>
      (await serviceMetrics.getSingleMetric('kirim_partner_bank_answer_duration_seconds')?.get())?.values.find(
        (value) => (value as { metricName?: string }).metricName === 'kirim_partner_bank_answer_duration_seconds_sum' && value.labels.bank === 'XMPL',
      )?.value ?? 0;
    const sumBefore = await durationSum();

    const [first, again] = [new FakeTransactionScope(), new FakeTransactionScope()];
    await useCase.execute(first, { direction: 'debit', approved: true, answer });
    expect(await count('kirim_partner_bank_answers_total', approved)).toBe(approvedBefore);
    first.commit();
    await useCase.execute(again, { direction: 'debit', approved: true, answer });
    again.commit();

    expect(await count('kirim_partner_bank_answers_total', approved)).toBe(approvedBefore + 1);
    expect(await count('kirim_partner_bank_answers_total', duplicate)).toBe(duplicateBefore + 1);
    expect((await durationSum()) - sumBefore).toBeCloseTo(1.5, 6);
  });
});
