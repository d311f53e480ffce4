import { Logger } from '@nestjs/common';
import { BankLegResult, PaymentStatus } from '@kirim/contracts';
import { catalogueMismatches, serviceMetrics } from '@kirim/platform';
import {
  FakeTransactionScope,
  FixedClock,
  InMemoryPaymentRepository,
  SAMPLE_PAYEE_ACCOUNT,
  SAMPLE_PAYER_ACCOUNT,
  SAMPLE_PAYMENT_ID,
  samplePayment,
  SequentialIds,
  transitionStep,
} from '../testing/payment-fakes';
import { ApplyBankLegResultUseCase, BankLeg, BankLegOutcome } from './apply-bank-leg-result/apply-bank-leg-result.use-case';
import { Payment } from './payment';
import { answeredLegOf, outcomeOf, resultCodeLabel } from './payment-metrics';
// payments' other metrics module: the catalogue check below covers every metric payments owns.
import '../admission/saga-admission-metrics';

const DEBIT_ID = '11111111-1111-4111-8111-111111111111';
const CREDIT_ID = '22222222-2222-4222-8222-222222222222';
const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';
const NOW = new Date('2026-11-28T10:00:00.000Z');
/** When the pending leg was requested: 250 ms before its answer is applied. */
const REQUESTED_AT = new Date(NOW.getTime() - 250);

function result(requestId: string, overrides: Partial<BankLegResult> = {}): BankLegResult {
  const account = requestId === CREDIT_ID ? SAMPLE_PAYEE_ACCOUNT : SAMPLE_PAYER_ACCOUNT;
  return Object.assign(new BankLegResult(), {
    requestId,
    paymentId: SAMPLE_PAYMENT_ID,
    purpose: requestId === REVERSAL_ID ? 'reversal' : 'payment',
    resultCode: '00',
    ...account,
    amount: { value: '500.00', currency: 'INR' },
    ...overrides,
  });
}

/**
 * A bank's answer applied the way the consumer applies it, to a payment stored as `initial`, in a
 * transaction that commits (or, with `commits: false`, rolls back).
 */
async function answer(initial: Payment, leg: BankLeg, outcome: BankLegOutcome, answered: BankLegResult, { commits = true } = {}): Promise<Payment> {
  const payments = new InMemoryPaymentRepository();
  payments.rows.set(initial.id, initial);
  const useCase = new ApplyBankLegResultUseCase(payments, new FixedClock(NOW), transitionStep(payments, { ids: new SequentialIds() }));
  const tx = new FakeTransactionScope();
  await useCase.execute(tx, { leg, outcome, result: answered });
  if (commits) tx.commit();
  return payments.rows.get(initial.id) as Payment;
}

async function outcomeCount(labels: Record<string, string>): Promise<number> {
  const metric = await serviceMetrics.getSingleMetric('kirim_payment_outcomes_total')?.get();
  return metric?.values.find((value) => Object.entries(labels).every(([name, text]) => value.labels[name] === text))?.value ?? 0;
}

/** A histogram value's series (prom-client sets it, its types do not say so). */
function seriesOf(value: object): string | undefined {
  return (value as { metricName?: string }).metricName;
}

async function legObservations(leg: string, outcome: string): Promise<{ count: number; sum: number }> {
  const metric = await serviceMetrics.getSingleMetric('kirim_payment_leg_duration_seconds')?.get();
  const of = (name: string): number =>
    metric?.values.find((value) => seriesOf(value) === `kirim_payment_leg_duration_seconds_${name}` && value.labels.leg === leg && value.labels.outcome === outcome)?.value ?? 0;
  return { count: of('count'), sum: of('sum') };
}

describe("payments' metrics", () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('are the catalogue entries payments owns, with their types and labels', () => {
    expect(catalogueMismatches(serviceMetrics, 'payments')).toEqual([]);
  });

  it('count a completed payment once, under its result code and kind, and time its credit leg', async () => {
    const labels = { outcome: 'completed', result_code: '00', kind: 'p2p' };
    const [before, credits] = [await outcomeCount(labels), await legObservations('credit', 'succeeded')];
    const pending = samplePayment('credit_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, updatedAt: REQUESTED_AT });

    const completed = await answer(pending, 'credit', 'succeeded', result(CREDIT_ID));
    expect(completed.status).toBe('completed');
    expect(await outcomeCount(labels)).toBe(before + 1);
    const after = await legObservations('credit', 'succeeded');
    expect(after.count).toBe(credits.count + 1);
    expect(after.sum - credits.sum).toBeCloseTo(0.25, 6);

    // The same answer again (a redelivery) changes nothing, and counts nothing.
    await answer(completed, 'credit', 'succeeded', result(CREDIT_ID));
    expect(await outcomeCount(labels)).toBe(before + 1);
    expect((await legObservations('credit', 'succeeded')).count).toBe(credits.count + 1);
  });

  it('count nothing while the transaction is open or when it rolls back, and once for the retry that commits', async () => {
    const labels = { outcome: 'completed', result_code: '00', kind: 'p2p' };
    const [before, credits] = [await outcomeCount(labels), await legObservations('credit', 'succeeded')];
    const pending = samplePayment('credit_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, updatedAt: REQUESTED_AT });

    expect((await answer(pending, 'credit', 'succeeded', result(CREDIT_ID), { commits: false })).status).toBe('completed');
    expect(await outcomeCount(labels)).toBe(before);
    expect((await legObservations('credit', 'succeeded')).count).toBe(credits.count);

    await answer(pending, 'credit', 'succeeded', result(CREDIT_ID));
    expect(await outcomeCount(labels)).toBe(before + 1);
    expect((await legObservations('credit', 'succeeded')).count).toBe(credits.count + 1);
  });

  it('count a declined debit as failed with the bank code, and a code kirim does not know as other', async () => {
    const pending = samplePayment('debit_pending', { debitRequestId: DEBIT_ID, updatedAt: REQUESTED_AT });
    const [z9, declines] = [await outcomeCount({ outcome: 'failed', result_code: 'Z9' }), await legObservations('debit', 'declined')];
    await answer(pending, 'debit', 'declined', result(DEBIT_ID, { resultCode: 'Z9' }));
    expect(await outcomeCount({ outcome: 'failed', result_code: 'Z9' })).toBe(z9 + 1);
    expect((await legObservations('debit', 'declined')).count).toBe(declines.count + 1);

    expect(resultCodeLabel('Q7')).toBe('other');
    expect(resultCodeLabel('U30')).toBe('U30');
    expect(resultCodeLabel(null)).toBe('none');
  });

  it('count nothing for a step that reaches no final state, and a reversal when it ends', async () => {
    const reversedBefore = await outcomeCount({ outcome: 'reversed', result_code: 'U31' });
    const pending = samplePayment('credit_pending', { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, updatedAt: REQUESTED_AT });
    const reversing = await answer(pending, 'credit', 'declined', result(CREDIT_ID, { resultCode: 'XI' }));
    expect(reversing.status).toBe('reversal_pending');
    expect(await outcomeCount({ outcome: 'reversed', result_code: 'U31' })).toBe(reversedBefore);

    const reversals = await legObservations('reversal', 'succeeded');
    const reversed = await answer({ ...reversing, updatedAt: REQUESTED_AT }, 'credit', 'succeeded', result(reversing.reversalRequestId as string, { purpose: 'reversal' }));
    expect(reversed.status).toBe('reversed');
    expect(await outcomeCount({ outcome: 'reversed', result_code: 'U31' })).toBe(reversedBefore + 1);
    expect((await legObservations('reversal', 'succeeded')).count).toBe(reversals.count + 1);
  });

  it('observe no latency for a late answer to a leg whose outcome was deemed', () => {
    const deemedFailed = samplePayment('debit_failed', { debitRequestId: DEBIT_ID, deemedLeg: 'debit', resultCode: 'U67' });
    expect(answeredLegOf({ before: deemedFailed, trigger: { kind: 'debit-succeeded', at: NOW } })).toBeNull();
    expect(answeredLegOf({ before: samplePayment('debit_pending'), trigger: { kind: 'leg-deemed', at: NOW } })).toBeNull();
    expect(answeredLegOf({ before: samplePayment('debit_pending', { updatedAt: REQUESTED_AT }), trigger: { kind: 'debit-succeeded', at: NOW } })).toEqual({
      leg: 'debit',
      answer: 'succeeded',
      seconds: 0.25,
    });
  });

  it('name an outcome for the final states only', () => {
    const statuses: PaymentStatus[] = ['created', 'debit_pending', 'debited', 'credit_pending', 'completed', 'debit_failed', 'credit_failed', 'reversal_pending', 'reversal_failed', 'reversed'];
    expect(Object.fromEntries(statuses.map((status) => [status, outcomeOf(status)]))).toEqual({
      created: null,
      debit_pending: null,
      debited: null,
      credit_pending: null,
      completed: 'completed',
      debit_failed: 'failed',
      credit_failed: null,
      reversal_pending: null,
      reversal_failed: null,
      reversed: 'reversed',
    });
  });

  it('show NaN for the waiting payments until the database is known, without failing the scrape', async () => {
    const text = await serviceMetrics.metrics();
    expect(text).toMatch(/^kirim_payment_status_checks_pending\{leg="debit"\} nan$/im);
    expect(text).toMatch(/^kirim_payment_reversals_pending\{state="needs_operator"\} nan$/im);
  });
});
