import { randomInt, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { uniquePhone } from '@kirim/testing';
import { Api, BankCode, formatMinor, PaymentAccepted, Party, Problem } from '../../apps/e2e/src/support/api';
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

/** Registers `count` users with an account each, 8 at a time. */
export async function seedUsers(api: Api, count: number): Promise<Party[]> {
  return pool(
    Array.from({ length: count }, (_, i) => i),
    8,
    (i): Promise<Party> =>
      api.registerWithAccount({ phone: uniquePhone(), displayName: `bench ${i + 1}`, bankCode: (i % 2 === 0 ? 'SBXA' : 'SBXB') as BankCode, openingBalance: OPENING_BALANCE }),
  );
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
