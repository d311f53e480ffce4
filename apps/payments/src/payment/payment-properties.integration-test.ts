/**
 * Properties of the payment lifecycle (docs/payment-lifecycle.md) over random runs, on the real
 * broker and PostgreSQL: payments' own modules (the bank-answer consumer, the timer poller, the outbox
 * relay, signed records; PaymentModule and MerchantModule) against a fault-injecting bank that answers
 * each leg by a plan fast-check chooses: succeed, decline, never answer, apply and lose the answer,
 * answer twice, answer slowly, answer only after the outcome was deemed. Each run: several payers and
 * payees, P2P payments and merchant orders at once, and refunds of the orders once paid (each refund a
 * payment with its own plan). For every run:
 *
 * 1. money is conserved: the bank's ledger total does not change, no account goes negative, and each
 *    payment moved exactly the money its ending says (completed: payer -amount, payee +amount;
 *    debit_failed and reversed: neither, but the documented late credit; a reversal left to an
 *    operator: the payer's money still out); a payer is never paid back twice; an order's refunds
 *    never count for more than was paid, and an accepted refund never lacks the merchant's funds;
 * 2. every payment settles (a final state, or a reversal whose retries ran out, listed for an operator)
 *    within the bound the test profile gives: checks and settle time of each leg, reversal retries;
 * 3. payments.events.v1 carries exactly one lifecycle event per transition, in order, each with the
 *    state it reports; and the ending is the one the plan leads to.
 *
 * The scheme profile is UPI's with its clock compressed, and the freshness window is the smallest the
 * config allows (MESSAGE_MAX_AGE_MS 10 s, no skew), so the settle time is 20 s and a run ~30 s.
 * A failure prints fast-check's seed and path: replay with PAYMENT_PROPERTIES_SEED=<seed>
 * PAYMENT_PROPERTIES_PATH=<path>; PAYMENT_PROPERTIES_RUNS sets the number of runs (default 4) and
 * PAYMENT_PROPERTIES_VERBOSE=1 prints each run's endings.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { EVENT_TYPES, Money, PaymentStatus, PROBLEM_CODES } from '@kirim/contracts';
import { eventually, uniquePhone } from '@kirim/testing';
import { SchemeProfile } from '../limits/scheme-profile';
import { CreateMerchantOrderUseCase } from '../merchant/create-merchant-order/create-merchant-order.use-case';
import { Merchant } from '../merchant/merchant';
import { OnboardMerchantUseCase } from '../merchant/onboard-merchant/onboard-merchant.use-case';
import { PayMerchantOrderUseCase } from '../merchant/pay-merchant-order/pay-merchant-order.use-case';
import { RefundMerchantOrderUseCase } from '../merchant/refund-merchant-order/refund-merchant-order.use-case';
import { describePlan, expectedEnding, DebitAtBank, ExpectedEnding, PaymentFaultPlan, paymentFaultPlanArbitrary } from '../testing/bank-fault-plan';
import { PaymentsOnBroker } from '../testing/payments-on-broker';
import { InitiatePaymentUseCase } from './initiate-payment/initiate-payment.use-case';
import { ListPaymentsNeedingOperatorUseCase } from './list-payments-needing-operator/list-payments-needing-operator.use-case';
import { AccountAtBank, Payment } from './payment';
import { isFinal } from './payment-state-machine';

/** UPI with its clock compressed: checks 1-2 s after a request and 1 s later, outcomes deemed 20 s after the last, two reversal retries. */
const TEST_PROFILE = {
  extends: 'upi',
  name: 'upi-property-test',
  description: 'UPI with the clock compressed for the payment lifecycle properties',
  timeouts: { payLegSeconds: 1, statusCheckSeconds: 1 },
  statusChecks: { firstAfterSeconds: { min: 1, max: 2 }, thenAfterSeconds: [1], withinSeconds: 10 },
  // 2 x MESSAGE_MAX_AGE_MS + 2 x MESSAGE_MAX_FUTURE_SKEW_MS: the least payments accepts at boot.
  deemedOutcomes: { settleSeconds: 20 },
  reversals: { retryAfterSeconds: [1, 1] },
};
const FRESHNESS = { maxAgeMs: 10_000, maxFutureSkewMs: 0 };
const LEG_CHECK_INTERVAL_MS = 100;
/** Broker hops, relay and poller passes on the way, on a loaded 2-core machine. */
const BOUND_SLACK_MS = 15_000;
/** Well inside the first status check plus one (1-2 s, +1 s) and far from the settle time. */
const MAX_SLOW_ANSWER_MS = 3_000;
const BANK_CODES = ['SBXA', 'SBXB', 'SBXC'];
/** A grocery store: in the profile's everyday merchant group. */
const MERCHANT_CATEGORY = '5411';
const PIN_BLOCK = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';
const RUNS = Number(process.env.PAYMENT_PROPERTIES_RUNS ?? 4);
/** Only for a run that hangs: above the settle bound (~132 s with TEST_PROFILE) plus the checks after it. */
const RUN_TIMEOUT_MS = 200_000;

/**
 * The longest a payment takes to settle under the profile: each leg at most its last status check
 * and the settle time; a debit and a credit (or a late debit's reversal instead of the credit), then
 * every reversal attempt with the waits between them.
 */
function settleBoundMs(profile: SchemeProfile): number {
  const { statusChecks, deemedOutcomes, reversals } = profile;
  const legMs = statusChecks.firstAfterMaxMs + statusChecks.thenAfterMs.reduce((sum, wait) => sum + wait, 0) + deemedOutcomes.settleMs;
  const reversalAttempts = reversals.retryAfterMs.length + 1;
  return 2 * legMs + reversalAttempts * legMs + reversals.retryAfterMs.reduce((sum, wait) => sum + wait, 0) + BOUND_SLACK_MS;
}

/** Settled: final, or a reversal whose retries ran out (no timer), which waits for an operator. */
function settled(payment: Payment): boolean {
  return isFinal(payment.status) || (payment.status === 'reversal_failed' && payment.legCheckAt === null);
}

const STATUS_OF_EVENT: Readonly<Record<string, PaymentStatus>> = {
  [EVENT_TYPES.PAYMENT_INITIATED]: 'debit_pending',
  [EVENT_TYPES.PAYMENT_COMPLETED]: 'completed',
  [EVENT_TYPES.PAYMENT_FAILED]: 'debit_failed',
  [EVENT_TYPES.PAYMENT_REVERSED]: 'reversed',
};

interface PlannedPayment {
  readonly payer: number;
  readonly payee: number;
  readonly amountMinor: bigint;
  readonly plan: PaymentFaultPlan;
}

/** A customer pays a merchant's order; once it is paid, the merchant refunds parts of it (each a payment of its own). */
interface PlannedOrder {
  readonly customer: number;
  readonly merchant: number;
  readonly amountMinor: bigint;
  readonly plan: PaymentFaultPlan;
  readonly refunds: ReadonlyArray<{ readonly percent: number; readonly plan: PaymentFaultPlan }>;
}

interface Scenario {
  readonly payerBalances: readonly bigint[];
  readonly payeeCount: number;
  readonly merchantCount: number;
  readonly payments: readonly PlannedPayment[];
  readonly orders: readonly PlannedOrder[];
}

interface Party {
  readonly userId: string;
  readonly account: AccountAtBank;
  readonly balance: bigint;
}

/** A payment the run started, whatever its kind, with the plan the bank answers it by. */
interface StartedPayment {
  readonly id: string;
  readonly kind: 'p2p' | 'order' | 'refund';
  readonly payer: Party;
  readonly payee: Party;
  readonly amountMinor: bigint;
  readonly plan: PaymentFaultPlan;
  /** For an order's payment and its refunds: the order. */
  readonly orderId?: string;
}

describe('payment lifecycle properties (real broker and PostgreSQL, fault-injecting bank)', () => {
  let harness: PaymentsOnBroker;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    harness = await PaymentsOnBroker.start({ profileDocument: TEST_PROFILE, freshness: FRESHNESS, legCheckIntervalMs: LEG_CHECK_INTERVAL_MS });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('conserves money, settles every payment within the profile bound, and emits one lifecycle event per transition', async () => {
    const profile = harness.profile;
    const boundMs = settleBoundMs(profile);
    const reversalRetries = profile.reversals.retryAfterMs.length;
    const plans = paymentFaultPlanArbitrary({ reversalRetries, maxSlowMs: MAX_SLOW_ANSWER_MS });
    const scenarios: fc.Arbitrary<Scenario> = fc.record({
      // Now and then a payer short of funds, so the bank declines their debits (Z9).
      payerBalances: fc.array(fc.oneof({ arbitrary: fc.bigInt({ min: 0n, max: 300_000n }), weight: 1 }, { arbitrary: fc.bigInt({ min: 1_000_000n, max: 4_000_000n }), weight: 4 }), {
        minLength: 2,
        maxLength: 4,
      }),
      payeeCount: fc.integer({ min: 2, max: 3 }),
      merchantCount: fc.integer({ min: 1, max: 2 }),
      payments: fc.array(fc.record({ payer: fc.nat(), payee: fc.nat(), amountMinor: fc.bigInt({ min: 100n, max: 300_000n }), plan: plans }), { minLength: 6, maxLength: 10 }),
      orders: fc.array(
        fc.record({
          customer: fc.nat(),
          merchant: fc.nat(),
          amountMinor: fc.bigInt({ min: 1_000n, max: 300_000n }),
          // The order's payment ends quickly, so its refunds have the run's time to end.
          plan: paymentFaultPlanArbitrary({ reversalRetries, maxSlowMs: MAX_SLOW_ANSWER_MS, waitsForDeemed: false }),
          // At once, and together they may ask for more than was paid: the excess is refused.
          refunds: fc.array(fc.record({ percent: fc.integer({ min: 10, max: 100 }), plan: plans }), { maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    });

    const seed = process.env.PAYMENT_PROPERTIES_SEED !== undefined ? Number(process.env.PAYMENT_PROPERTIES_SEED) : Date.now() ^ Math.floor(Math.random() * 0x7fffffff);
    const path = process.env.PAYMENT_PROPERTIES_PATH;
    const details = await fc.check(
      fc.asyncProperty(scenarios, (scenario) => runScenario(scenario, boundMs, reversalRetries)),
      // A run takes tens of seconds: no shrinking, the failing run is reported as generated.
      { numRuns: RUNS, seed, ...(path !== undefined ? { path } : {}), endOnFailure: true },
    );
    if (details.failed) {
      const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`run ${details.numRuns} of ${RUNS} failed: ${why}\nReplay: PAYMENT_PROPERTIES_SEED=${details.seed} PAYMENT_PROPERTIES_PATH=${details.counterexamplePath ?? ''}`);
    }
  }, RUNS * RUN_TIMEOUT_MS);

  async function runScenario(scenario: Scenario, boundMs: number, reversalRetries: number): Promise<void> {
    const { bank, parties } = harness;
    const totalBefore = bank.total;
    const open = (index: number, balance: bigint): Party => {
      const party = { userId: randomUUID(), account: account(index), balance };
      bank.openAccount(party.account, balance);
      return party;
    };
    const payers = scenario.payerBalances.map((balance, index) => open(index, balance));
    for (const payer of payers) parties.addPayer({ userId: payer.userId, ...payer.account });
    const payees = Array.from({ length: scenario.payeeCount }, (_, index) => ({ ...open(index + 1, 0n), phone: uniquePhone() }));
    for (const [index, payee] of payees.entries()) parties.addPayee({ phone: payee.phone }, { userId: payee.userId, ...payee.account, displayName: `Payee ${index + 1}` });
    const merchants = await Promise.all(Array.from({ length: scenario.merchantCount }, (_, index) => onboardMerchant(open(index + 2, 0n))));

    const started: StartedPayment[] = [];
    const refusedRefunds: Array<{ readonly orderId: string; readonly amountMinor: bigint }> = [];
    const initiate = harness.app.get(InitiatePaymentUseCase);
    const payP2p = async (planned: PlannedPayment): Promise<void> => {
      const payer = payers[planned.payer % payers.length];
      const payee = payees[planned.payee % payees.length];
      const outcome = await initiate.execute({
        payerUserId: payer.userId,
        deviceBoundAt: null,
        idempotencyKey: randomUUID(),
        payeePhone: payee.phone,
        encryptedPin: PIN_BLOCK,
        amount: Money.ofMinor(planned.amountMinor, 'INR').toDto(),
        note: null,
      });
      if (!outcome.ok) throw new Error(`initiating was refused: ${outcome.code} ${outcome.detail}`);
      bank.expect(outcome.payment.id, planned.plan);
      started.push({ id: outcome.payment.id, kind: 'p2p', payer, payee, amountMinor: planned.amountMinor, plan: planned.plan });
    };
    const payOrder = async (planned: PlannedOrder): Promise<void> => {
      const customer = payers[planned.customer % payers.length];
      const { merchant, owner } = merchants[planned.merchant % merchants.length];
      const created = await harness.app.get(CreateMerchantOrderUseCase).execute({ merchant, reference: randomUUID(), amount: Money.ofMinor(planned.amountMinor, 'INR').toDto(), note: null, expiresInMinutes: null });
      if (!created.ok) throw new Error(`creating an order was refused: ${created.code} ${created.detail}`);
      const orderId = created.order.id;
      const paid = await harness.app.get(PayMerchantOrderUseCase).execute({ customerUserId: customer.userId, deviceBoundAt: null, idempotencyKey: randomUUID(), orderId, encryptedPin: PIN_BLOCK });
      if (!paid.ok) throw new Error(`paying an order was refused: ${paid.code} ${paid.detail}`);
      bank.expect(paid.payment.id, planned.plan);
      started.push({ id: paid.payment.id, kind: 'order', payer: customer, payee: owner, amountMinor: planned.amountMinor, plan: planned.plan, orderId });
      if (planned.refunds.length === 0) return;
      await eventually(async () => expect(settled((await harness.rowsOf([paid.payment.id]))[0])).toBe(true), { timeoutMs: boundMs });
      const [order] = await harness.rowsOf([paid.payment.id]);
      if (order.status !== 'completed') return;
      const refund = harness.app.get(RefundMerchantOrderUseCase);
      await Promise.all(
        planned.refunds.map(async ({ percent, plan }) => {
          const amountMinor = (planned.amountMinor * BigInt(percent)) / 100n;
          const outcome = await refund.execute({ merchant, orderId, reference: randomUUID(), amount: Money.ofMinor(amountMinor, 'INR').toDto(), note: null });
          if (!outcome.ok) {
            if (outcome.code !== PROBLEM_CODES.REFUND_EXCEEDS_PAID) throw new Error(`a refund was refused: ${outcome.code} ${outcome.detail}`);
            refusedRefunds.push({ orderId, amountMinor });
            return;
          }
          bank.expect(outcome.payment.id, plan);
          // The order's payment turned around: from the merchant's account back to the customer's.
          started.push({ id: outcome.payment.id, kind: 'refund', payer: owner, payee: customer, amountMinor, plan, orderId });
        }),
      );
    };
    // All at once, as a burst of users would.
    await Promise.all([...scenario.payments.map(payP2p), ...scenario.orders.map(payOrder)]);
    const ids = started.map((payment) => payment.id);

    // Polled up to the bound after the last payment began, never slept.
    const rows = await harness.rowsOf(ids);
    const lastCreatedAt = Math.max(...rows.map((row) => row.createdAt.getTime()));
    const waitMs = Math.max(lastCreatedAt + boundMs - Date.now(), 1_000);
    try {
      await eventually(() => harness.assertQuiet(ids, settled), { timeoutMs: waitMs, intervalMs: 250 });
    } catch (error) {
      throw new Error(`not every payment settled within the bound (${boundMs} ms): ${error instanceof Error ? error.message : String(error)}`);
    }

    const problems: string[] = [...bank.anomalies.map((anomaly) => `bank: ${anomaly}`), ...harness.unreadableLifecycleRecords.map((record) => `payments.events.v1: ${record}`)];
    problems.push(...bank.refused.map((refusal) => `the bank refused a copy of ${refusal.requestId} as bank-connector would: ${refusal.reason}`));
    // The one dead letter expected: the same signed record published again is refused as a replay
    // (docs/message-signing.md), after the first was applied; what it changed is checked below (nothing).
    const deadLetters = (await harness.deadLetteredAnswers()).filter((deadLetter) => !(bank.answersRepublished.has(deadLetter.ce_id) && deadLetter.reason.startsWith('replayed:')));
    problems.push(...deadLetters.map((deadLetter) => `payments dead-lettered the bank answer ${deadLetter.ce_id}: ${deadLetter.reason}`));
    // Nor does that copy flag its payment for an operator: the original moved it on.
    problems.push(...(await harness.openPaymentFlags()).map((flag) => `payment ${flag.payment_id} flagged for an operator: ${flag.detail}`));
    const needingOperator = await operatorList();
    const finalRows = new Map((await harness.rowsOf(ids)).map((row) => [row.id, row]));
    const expectedBalances = new Map<string, bigint>();
    const everyone = [...payers, ...payees, ...merchants.map(({ owner }) => owner)];
    for (const party of everyone) expectedBalances.set(key(party.account), party.balance);

    for (const payment of started) {
      const row = finalRows.get(payment.id) as Payment;
      const amount = payment.amountMinor;
      const records = bank.recordsOf(payment.id);
      const label = `${payment.kind} ${payment.id} (${describePlan(payment.plan)}; ended ${row.status} ${row.resultCode ?? ''})`;
      const fail = (problem: string): void => void problems.push(`${label}: ${problem}`);

      // 3. The ending the plan leads to.
      const debitRecord = records.find((record) => record.leg === 'debit');
      const debit: DebitAtBank = debitRecord ? { seen: true, applied: debitRecord.applied, resultCode: debitRecord.resultCode } : { seen: false };
      if (payment.plan.debit.delivery.kind !== 'unanswered' && !debit.seen) fail('the bank never took its debit');
      // A refund counts against what was paid from the moment it is accepted: the merchant's account holds it.
      if (payment.kind === 'refund' && debitRecord?.lackedFunds) fail("the merchant's account lacked the funds for an accepted refund");
      const expected: ExpectedEnding = expectedEnding(payment.plan, debit, {
        deemedDebit: harness.profile.deemedOutcomes.debit,
        deemedCredit: harness.profile.deemedOutcomes.credit,
        reversalRetries,
      });
      if (row.status !== expected.status || row.resultCode !== expected.resultCode) fail(`expected ${expected.status} ${expected.resultCode}`);
      if ((row.lateCreditAt !== null) !== expected.lateCredit) fail(`late credit ${row.lateCreditAt !== null}, expected ${expected.lateCredit}`);
      if (row.reversalAttempts < expected.reversalAttempts.min || row.reversalAttempts > expected.reversalAttempts.max) {
        fail(`${row.reversalAttempts} reversal attempts, expected ${expected.reversalAttempts.min}..${expected.reversalAttempts.max}`);
      }

      // 1. The money the bank moved for it is what its ending says.
      const applied = (leg: string): number => records.filter((record) => record.leg === leg && record.applied).length;
      const [debits, credits, reversals] = [applied('debit'), applied('credit'), applied('reversal')];
      if (debits > 1 || credits > 1) fail(`the bank applied ${debits} debits and ${credits} credits`);
      if (reversals > 1) fail(`the payer was paid back ${reversals} times`);
      const payerPays = debits - reversals;
      const payeeGets = credits;
      const owed = endingMoney(row);
      const moves = (paid: number, got: number): string => `payer pays ${paid}, payee gets ${got} (x amount)`;
      if (payerPays !== owed.payerPays || payeeGets !== owed.payeeGets) fail(`the bank moved ${moves(payerPays, payeeGets)}; its state says ${moves(owed.payerPays, owed.payeeGets)}`);
      if (owed.payerPays !== expected.payerPays || owed.payeeGets !== expected.payeeGets) fail(`its state moves ${moves(owed.payerPays, owed.payeeGets)}; the plan's ending ${moves(expected.payerPays, expected.payeeGets)}`);
      expectedBalances.set(key(payment.payer.account), (expectedBalances.get(key(payment.payer.account)) ?? 0n) - BigInt(owed.payerPays) * amount);
      expectedBalances.set(key(payment.payee.account), (expectedBalances.get(key(payment.payee.account)) ?? 0n) + BigInt(owed.payeeGets) * amount);

      // What an operator must see: a reversal out of retries, a credit made after it was deemed failed.
      const listed = needingOperator.get(payment.id) ?? [];
      const wanted = [...(row.status === 'reversal_failed' ? ['reversal-retries-exhausted'] : []), ...(row.lateCreditAt !== null ? ['late-credit-after-deemed-failure'] : [])];
      if (JSON.stringify([...listed].sort()) !== JSON.stringify(wanted.sort())) fail(`listed for an operator as [${listed.join(', ')}], expected [${wanted.join(', ')}]`);

      // 2. Settled within the bound (its last change, from its creation).
      const tookMs = row.updatedAt.getTime() - row.createdAt.getTime();
      if (tookMs > boundMs) fail(`settled ${tookMs} ms after it began, past the bound of ${boundMs} ms`);

      // 3. One lifecycle event per transition, in order, each reporting its state.
      const events = harness.lifecycleOf(payment.id);
      const types = events.map((event) => event.type);
      if (JSON.stringify(types) !== JSON.stringify(expected.events)) fail(`lifecycle events [${types.join(', ')}], expected [${expected.events.join(', ')}]`);
      for (const event of events) {
        if (event.data.status !== STATUS_OF_EVENT[event.type]) fail(`${event.type} reports ${event.data.status}`);
        if (event.data.paymentId !== payment.id || Money.parse(event.data.amount).toString() !== Money.ofMinor(amount, 'INR').toString()) fail(`${event.type} names another payment or amount`);
      }
      const last = events.at(-1);
      if (last && isFinal(row.status) && last.data.resultCode !== row.resultCode) fail(`its last event carries ${last.data.resultCode}, the payment ${row.resultCode}`);
    }

    // An order's refunds never count for more than was paid (all but a failed debit and a reversed
    // refund count, from acceptance on); one is refused only when it would have.
    for (const order of started.filter((payment) => payment.kind === 'order')) {
      const refunds = started.filter((payment) => payment.kind === 'refund' && payment.orderId === order.orderId);
      const countingMinor = refunds
        .filter((refund) => !['debit_failed', 'reversed'].includes((finalRows.get(refund.id) as Payment).status))
        .reduce((sum, refund) => sum + refund.amountMinor, 0n);
      if (countingMinor > order.amountMinor) problems.push(`order ${order.orderId}: refunds counting ${countingMinor} of ${order.amountMinor} paid`);
      // Refunds only stop counting, never start again: what counted when one was refused is among those accepted.
      const acceptedMinor = refunds.reduce((sum, refund) => sum + refund.amountMinor, 0n);
      for (const refused of refusedRefunds.filter((item) => item.orderId === order.orderId)) {
        if (acceptedMinor + refused.amountMinor <= order.amountMinor) problems.push(`order ${order.orderId}: a refund of ${refused.amountMinor} was refused though all accepted came to ${acceptedMinor} of ${order.amountMinor}`);
      }
    }

    // 1. The ledger: every account as the endings say, none negative, and the total unchanged.
    for (const party of everyone) {
      const balance = bank.balanceOf(party.account);
      if (balance < 0n) problems.push(`an account went negative: ${balance}`);
      if (balance !== expectedBalances.get(key(party.account))) problems.push(`an account holds ${balance}, the endings say ${expectedBalances.get(key(party.account))}`);
    }
    if (bank.total !== totalBefore + everyone.reduce((sum, party) => sum + party.balance, 0n)) problems.push('the ledger total changed');

    if (process.env.PAYMENT_PROPERTIES_VERBOSE) {
      const endings = new Map<string, number>();
      for (const row of finalRows.values()) {
        const ending = `${row.status} ${row.resultCode ?? ''}${row.lateCreditAt !== null ? ' late-credit' : ''} x${row.reversalAttempts}`;
        endings.set(ending, (endings.get(ending) ?? 0) + 1);
      }
      process.stdout.write(`run: ${started.length} payments (${started.filter((p) => p.kind === 'refund').length} refunds, ${refusedRefunds.length} refused); ${[...endings].map(([ending, count]) => `${count} ${ending}`).join('; ')}\n`);
    }
    if (problems.length > 0) throw new Error(`${problems.length} problems:\n${problems.join('\n')}`);
  }

  /** A merchant owned by a user of its own, settling into `owner`'s account through one of the owner's addresses. */
  async function onboardMerchant(owner: Party): Promise<{ merchant: Merchant; owner: Party }> {
    const tag = randomUUID().slice(0, 8);
    const settlementAddress = `owner.${tag}@kirim`;
    harness.parties.addPayer({ userId: owner.userId, ...owner.account });
    harness.parties.addPayee({ address: settlementAddress }, { userId: owner.userId, ...owner.account, displayName: `Owner ${tag}` });
    const onboarded = await harness.app.get(OnboardMerchantUseCase).execute({
      ownerUserId: owner.userId,
      displayName: `Shop ${tag}`,
      categoryCode: MERCHANT_CATEGORY,
      handle: `shop.${tag}`,
      settlementAddress,
    });
    if (!onboarded.ok) throw new Error(`onboarding was refused: ${onboarded.code} ${onboarded.detail}`);
    return { merchant: onboarded.merchant, owner };
  }

  /** Every payment an operator is asked to look at, with its reasons. */
  async function operatorList(): Promise<Map<string, readonly string[]>> {
    const list = harness.app.get(ListPaymentsNeedingOperatorUseCase);
    const reasons = new Map<string, readonly string[]>();
    let cursor: string | undefined;
    do {
      const page = await list.execute({ limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
      if (!page.ok) throw new Error(page.detail);
      for (const item of page.items) reasons.set(item.paymentId, item.reasons);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return reasons;
  }
});

/** Net money out of the payer's account and into the payee's (in amounts) that a settled payment's state stands for. */
function endingMoney(payment: Payment): { payerPays: 0 | 1; payeeGets: 0 | 1 } {
  const lateCredit = payment.lateCreditAt !== null ? 1 : 0;
  switch (payment.status) {
    case 'completed':
      return { payerPays: 1, payeeGets: 1 };
    case 'debit_failed':
      return { payerPays: 0, payeeGets: 0 };
    case 'reversed':
      // The documented exception: a credit made after it was deemed failed stays with the payee.
      return { payerPays: 0, payeeGets: lateCredit };
    case 'reversal_failed':
      return { payerPays: 1, payeeGets: lateCredit };
    case 'created':
    case 'debit_pending':
    case 'debited':
    case 'credit_pending':
    case 'credit_failed':
    case 'reversal_pending':
      throw new Error(`${payment.status} is not settled`);
  }
}

function account(index: number): AccountAtBank {
  return { bankCode: BANK_CODES[index % BANK_CODES.length], accountRef: randomUUID() };
}

function key(account: AccountAtBank): string {
  return `${account.bankCode}/${account.accountRef}`;
}
