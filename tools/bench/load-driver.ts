import { randomInt, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { uniquePhone } from '@kirim/testing';
import { Api, ApiError, BankCode, expectStatus, formatMinor, PaymentAccepted, Party, Problem } from '../../apps/e2e/src/support/api';
import { DEFAULT_TEST_PIN } from '../../apps/e2e/src/support/upi-pin';
import { LatencyRecorder, LatencySummary } from './latency';
import { isNetworkFailure } from './payment-states';
import { AcceptedPayment } from './run-verdict';
import { backoffMs, errorText, pool, sleep, withTimeout } from './task-pool';
import { SessionKeeper, SessionUnavailable } from './user-sessions';

/**
 * The bench's load: simulated users, each with a sandbox account (alternating between the two
 * sandbox banks) registered and linked through the edge, pay random others small amounts through
 * POST /v1/payments. Payers take turns, so each pays maxPayments / users times at most, like real
 * users inside the scheme profile's per-payer limits.
 *
 * Each payment is sent as a careful client sends it: with one Idempotency-Key and one PIN block,
 * sent again unchanged while the stack does not answer (network failure, 5xx, 429 after its
 * Retry-After, 401 after renewing the session), until it is accepted (202, or 200 for the replay of
 * an attempt whose answer was lost) or refused for good (any other 4xx). A payment accepted behind
 * a lost answer is therefore always known to the bench.
 */

export const OPENING_BALANCE = '1000000.00';

/**
 * Registers `count` users with an account each, `parallelism` at a time, as the bench's users sign
 * up: a sandbox account opened at the bank for the phone (alternating banks), a device bound to the
 * phone (which creates the user), the account linked (identity finds it at the bank by the phone
 * itself, so the client's own discovery call is left out: the account's reference is known from its
 * opening) and the UPI PIN set. See docs/benchmarks.md ("Open-loop load") for the parallelism.
 *
 * A user whose sign-up fails half-way on a transient answer (5xx, no answer: the stack is busy) is
 * left aside and another one seeded with a new phone number, a few times at most. So is a phone
 * number that turns out to belong to a user of an earlier run (uniquePhone draws from a billion
 * numbers; the runs' users add up): binding signed that user in instead of creating one, and it may
 * have paid within the last 24 hours. Users left aside own an opened account and nothing else; the
 * run reads the ledger's totals after seeding, so they play no part in its verdict.
 */
export async function seedUsers(api: Api, count: number, parallelism: number, log: (message: string) => void = () => undefined): Promise<Party[]> {
  const phones = new Set<string>();
  let reused = 0;
  let failed = 0;
  const parties = await pool(
    Array.from({ length: count }, (_, i) => i),
    parallelism,
    async (i): Promise<Party> => {
      for (let attempt = 1; ; attempt++) {
        let phone = uniquePhone();
        while (phones.has(phone)) phone = uniquePhone();
        phones.add(phone);
        try {
          const party = await seedUser(api, phone, `bench ${i + 1}`, i % 2 === 0 ? 'SBXA' : 'SBXB');
          if (party) return party;
          reused++;
        } catch (error) {
          if (attempt >= SEED_ATTEMPTS || !isTransient(error)) throw error;
          if (failed++ === 0) log(`seeding a user failed (${errorText(error)}); seeding another instead`);
          await sleep(backoffMs(attempt));
        }
      }
    },
  );
  if (reused > 0) log(`${reused} phone number(s) drawn belonged to users of earlier runs; seeded others instead`);
  if (failed > 0) log(`${failed} user(s) failed half-way on a transient answer and were replaced`);
  return parties;
}

const SEED_ATTEMPTS = 5;

function isTransient(error: unknown): boolean {
  return (error instanceof ApiError && (error.result.status >= 500 || error.result.status === 429)) || isNetworkFailure(error);
}

/** One user, or undefined when the phone number already had a user. */
async function seedUser(api: Api, phone: string, displayName: string, bankCode: BankCode): Promise<Party | undefined> {
  const opened = await api.openSandboxAccount({ bankCode, mobile: phone, holderName: displayName, openingBalance: OPENING_BALANCE });
  const { userCreated, ...session } = await api.bindDevice(phone, displayName);
  if (!userCreated) return undefined;
  const linked = await api.linkAccount(session, opened.accountRef);
  expectStatus(await api.setUpiPin(session, linked.linkedAccountId, await api.pinKeys.setPin(linked.bankCode, DEFAULT_TEST_PIN)), 200);
  return {
    ...session,
    displayName,
    bankCode: linked.bankCode,
    accountRef: linked.accountRef,
    maskedAccountNumber: linked.maskedAccountNumber,
    linkedAccountId: linked.linkedAccountId,
    pin: DEFAULT_TEST_PIN,
  };
}

export interface LoadPlan {
  /** Submissions at most (the payer budget). */
  readonly maxPayments: number;
  /** Payments in flight at most. */
  readonly concurrency: number;
  /** Payments started per second at most; undefined: as many as `concurrency` allows. */
  readonly ratePerSecond?: number;
  /** Asked before each new payment; true stops submitting (those in flight still finish). */
  readonly shouldStop: () => boolean;
  /** How long one payment is sent again while the stack gives no answer, before the bench gives up. */
  readonly answerPatienceMs: number;
}

/** An accepted payment, with the monotonic time of its acceptance for latency figures. */
export interface DrivenPayment extends AcceptedPayment {
  readonly acceptedPerfAt: number;
}

export interface LoadOutcome {
  readonly submitted: number;
  readonly accepted: DrivenPayment[];
  /** Final answers other than acceptance, by "status code (result code)". */
  readonly refusals: Record<string, number>;
  /** Payments given up on: no answer within answerPatienceMs. */
  readonly unanswered: number;
  /** Payments that needed more than one attempt before their answer. */
  readonly resent: number;
  /** From the first attempt to the acceptance, retries included. */
  readonly acceptanceLatency: LatencySummary;
  readonly firstAcceptedAt: number | undefined;
  readonly submissionSeconds: number;
}

type Answer = { readonly kind: 'accepted'; readonly body: PaymentAccepted } | { readonly kind: 'refused'; readonly code: string } | { readonly kind: 'unanswered'; readonly lastProblem: string };

export class LoadDriver {
  constructor(
    private readonly api: Api,
    private readonly sessions: SessionKeeper,
    private readonly users: readonly Party[],
    private readonly onAccepted: (payment: DrivenPayment) => void = () => undefined,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    if (users.length < 2) throw new Error('the load needs at least two users (someone has to be paid)');
  }

  async run(plan: LoadPlan): Promise<LoadOutcome> {
    const accepted: DrivenPayment[] = [];
    const refusals: Record<string, number> = {};
    const latency = new LatencyRecorder();
    let submitted = 0;
    let unanswered = 0;
    let resent = 0;
    let firstAcceptedAt: number | undefined;
    let turn = 0;
    const start = performance.now();

    const payOnce = async (index: number): Promise<void> => {
      // Pacing: payment i starts no earlier than i / rate seconds into the run.
      const startAt = plan.ratePerSecond ? start + (index * 1000) / plan.ratePerSecond : 0;
      while (!plan.shouldStop() && performance.now() < startAt) await sleep(Math.min(250, startAt - performance.now()));
      if (plan.shouldStop()) return;
      submitted++;
      const payerIndex = turn++ % this.users.length;
      let payeeIndex = randomInt(this.users.length - 1);
      if (payeeIndex >= payerIndex) payeeIndex++;
      const payer = this.users[payerIndex];
      const payee = this.users[payeeIndex];
      const amountMinor = BigInt(randomInt(100, 10_000)); // 1.00 .. 99.99
      const sentAt = performance.now();
      const { answer, attempts } = await this.submit(payer, payee, formatMinor(amountMinor), plan.answerPatienceMs);
      if (attempts > 1) resent++;
      switch (answer.kind) {
        case 'accepted': {
          const acceptedPerfAt = performance.now();
          latency.recordMs(acceptedPerfAt - sentAt);
          const payment: DrivenPayment = {
            paymentId: answer.body.paymentId,
            payerUserId: payer.userId,
            payerAccountRef: payer.accountRef,
            payeeAccountRef: payee.accountRef,
            amountMinor,
            acceptedAt: Date.now(),
            acceptedPerfAt,
          };
          firstAcceptedAt ??= payment.acceptedAt;
          accepted.push(payment);
          this.onAccepted(payment);
          return;
        }
        case 'refused':
          refusals[answer.code] = (refusals[answer.code] ?? 0) + 1;
          return;
        case 'unanswered':
          unanswered++;
          this.log(`gave up on a payment after ${attempts} attempts: ${answer.lastProblem}`);
          return;
        default:
          assertNever(answer);
      }
    };

    await pool(
      Array.from({ length: plan.maxPayments }, (_, i) => i),
      plan.concurrency,
      async (index) => payOnce(index),
    );
    return {
      submitted,
      accepted,
      refusals,
      unanswered,
      resent,
      acceptanceLatency: latency.summary(),
      firstAcceptedAt,
      submissionSeconds: (performance.now() - start) / 1000,
    };
  }

  /** Sends one payment, again and again with the same key and body, until it has an answer. */
  private async submit(payer: Party, payee: Party, amount: string, patienceMs: number): Promise<{ answer: Answer; attempts: number }> {
    if (payer.pin === undefined) throw new Error(`user ${payer.userId} has no UPI PIN to pay with`);
    const idempotencyKey = randomUUID();
    // One PIN block for every attempt: the same request, byte for byte, as a retrying client sends.
    const encryptedPin = await this.api.pinKeys.pay(payer.bankCode, payer.pin, amount);
    const deadline = Date.now() + patienceMs;
    let lastProblem = 'no answer';
    for (let attempt = 1; ; attempt++) {
      let waitMs = backoffMs(attempt - 1);
      try {
        const session = await this.sessions.current(payer.userId);
        const result = await withTimeout(this.api.pay(session, { payeePhone: payee.phone, amount, idempotencyKey, note: 'bench', encryptedPin }), 60_000, 'POST /v1/payments');
        if (result.status === 202 || result.status === 200) return { answer: { kind: 'accepted', body: result.body as PaymentAccepted }, attempts: attempt };
        lastProblem = `answered ${result.status}`;
        if (result.status === 401) {
          await this.sessions.renew(payer.userId, session.accessToken);
        } else if (result.status === 429) {
          const seconds = Number(result.headers.get('retry-after'));
          waitMs = (Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) : 1) * 1000;
        } else if (result.status < 500) {
          const problem = result.body as Partial<Problem> | string;
          const code = typeof problem === 'object' && problem?.code ? problem.code : 'no-code';
          const resultCode = typeof problem === 'object' && problem?.resultCode ? ` (${problem.resultCode})` : '';
          return { answer: { kind: 'refused', code: `${result.status} ${code}${resultCode}` }, attempts: attempt };
        }
      } catch (error) {
        if (!(error instanceof SessionUnavailable) && !isNetworkFailure(error)) throw error;
        lastProblem = errorText(error);
      }
      if (Date.now() >= deadline) return { answer: { kind: 'unanswered', lastProblem }, attempts: attempt };
      await sleep(waitMs);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
