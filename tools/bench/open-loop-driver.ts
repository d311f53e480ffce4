import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Api, formatMinor, Party, Problem } from '../../apps/e2e/src/support/api';
import { EdgeHttp } from './edge-http';
import { LatencyRecorder, LatencySummary } from './latency';
import { DrivenPayment } from './load-driver';
import { nextStep, PayAnswer } from './open-loop-answers';
import { PlannedPayment } from './open-loop-schedule';
import { isNetworkFailure } from './payment-states';
import { PinBlockMaker } from './pin-blocks';
import { backoffMs, errorText, sleep } from './task-pool';
import { SessionKeeper, SessionUnavailable } from './user-sessions';

/**
 * The open-loop load: each planned payment is sent at its scheduled moment, whether or not the
 * earlier ones have answered; nothing caps the payments in flight.
 *
 * What costs the client CPU per payment is done before the payment is due, a little ahead of the
 * schedule (PREPARE_AHEAD_MS): its Idempotency-Key, its request body and above all its PIN block
 * (an ECDH-ES encryption with a fresh ephemeral key, ~0.5 ms of CPU, in worker threads: pin-blocks.ts). The block's `iat` is the payment's scheduled second, the
 * moment the simulated user "typed the PIN"; the bank takes blocks at most 5 minutes old and at most
 * 1 minute ahead of its clock when it checks the debit (docs/upi-pin.md), which is never before the
 * payment was sent, so preparing seconds ahead never makes a block early, and a block goes stale only
 * when the stack takes 5 minutes to debit (then the payment fails U14, which the figures show).
 *
 * The dispatcher wakes at each due moment and sends what is due; how late it sent (send lag) is
 * recorded, and every latency is measured from the scheduled moment, so a client that falls behind
 * shows as latency and as send lag, never as a lighter load.
 */

/** How far ahead of its moment a payment is prepared (its PIN block encrypted). */
export const PREPARE_AHEAD_MS = 2_000;
/** Payments in preparation at once: enough to fill the PIN block workers' batches. */
const PREPARE_PARALLELISM = 64;

export interface OpenLoopAccepted extends DrivenPayment {
  /** Epoch ms (fractional) the payment was due. */
  readonly scheduledAt: number;
  /** Epoch ms (fractional) the client had its acceptance. */
  readonly acceptedAtPrecise: number;
}

export interface OpenLoopStepOutcome {
  /** Epoch ms (fractional) of the step's start: when payment 0 was due. */
  readonly startAt: number;
  readonly scheduled: number;
  readonly sent: number;
  readonly accepted: OpenLoopAccepted[];
  /** Payments refused with 503 + Retry-After twice: load the stack shed. */
  readonly shed: number;
  /** 503 + Retry-After answers, the first ones of payments accepted on their retry included. */
  readonly shedAnswers: number;
  /** 429 answers (each followed by a retry, or a refusal after the last). */
  readonly throttledAnswers: number;
  readonly refusals: Record<string, number>;
  /** No answer within the patience (may have been accepted unseen: fails the run). */
  readonly unanswered: number;
  /** Payments sent more than once. */
  readonly resent: number;
  /** Why attempts were sent again, by reason ("answered 504", "POST /v1/payments: socket hang up", ...). */
  readonly retries: Record<string, number>;
  /** Payments whose preparation failed (never sent). */
  readonly notPrepared: number;
  /** Payments the client itself failed on (a bug or an answer it cannot read): their outcome is unknown. */
  readonly clientErrors: number;
  /** Payments not yet prepared when due: the client fell behind. */
  readonly preparedLate: number;
  /** From the scheduled moment to the first attempt's start. */
  readonly sendLag: LatencySummary;
  readonly peakInFlight: number;
  readonly peakSockets: number;
  /** The client's own cost over the step: CPU seconds and its event loop's utilization (0..1). */
  readonly client: { readonly cpuSeconds: number; readonly eventLoopUtilization: number };
}

interface PreparedPayment {
  readonly payer: Party;
  readonly payee: Party;
  readonly amountMinor: bigint;
  readonly idempotencyKey: string;
  readonly body: string;
  readonly contentLength: number;
}

type Preparation = { readonly ok: true; readonly payment: PreparedPayment } | { readonly ok: false; readonly problem: string };

export class OpenLoopDriver {
  constructor(
    private readonly api: Api,
    private readonly edge: EdgeHttp,
    private readonly sessions: SessionKeeper,
    private readonly users: readonly Party[],
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async run(planned: readonly PlannedPayment[], answerPatienceMs: number): Promise<OpenLoopStepOutcome> {
    const count = planned.length;
    const pinBlocks = new PinBlockMaker(this.api.pinKeys);
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    // The first payments are prepared before the start.
    const startPerf = performance.now() + PREPARE_AHEAD_MS;
    const startAt = performance.timeOrigin + startPerf;
    const counters = { sent: 0, shed: 0, shedAnswers: 0, throttledAnswers: 0, unanswered: 0, resent: 0, notPrepared: 0, clientErrors: 0, preparedLate: 0, inFlight: 0, peakInFlight: 0, peakSockets: 0 };
    const refusals: Record<string, number> = {};
    const retries: Record<string, number> = {};
    const accepted: OpenLoopAccepted[] = [];
    const sendLag = new LatencyRecorder();

    // Preparation, in order, up to PREPARE_AHEAD_MS ahead of the schedule.
    const ready: (Preparation | undefined)[] = new Array<Preparation | undefined>(count);
    const waiting = new Map<number, (preparation: Preparation) => void>();
    let nextToPrepare = 0;
    let preparing = 0;
    const prepareMore = (): void => {
      const horizon = performance.now() - startPerf + PREPARE_AHEAD_MS;
      while (nextToPrepare < count && preparing < PREPARE_PARALLELISM && planned[nextToPrepare].offsetMs <= horizon) {
        const index = nextToPrepare++;
        preparing++;
        void this.prepare(pinBlocks, planned[index], startAt).then((preparation) => {
          preparing--;
          ready[index] = preparation;
          waiting.get(index)?.(preparation);
          waiting.delete(index);
          prepareMore();
        });
      }
    };
    const preparer = setInterval(prepareMore, 20);
    prepareMore();
    const preparationOf = (index: number): Preparation | Promise<Preparation> =>
      ready[index] ?? new Promise<Preparation>((resolve) => waiting.set(index, resolve));

    const inFlight = new Set<Promise<void>>();
    const send = async (index: number, scheduledPerf: number): Promise<void> => {
      let preparation = ready[index];
      if (preparation === undefined) {
        counters.preparedLate++;
        preparation = await preparationOf(index);
      }
      ready[index] = undefined; // the PIN block and body are not needed any more
      if (!preparation.ok) {
        counters.notPrepared++;
        this.log(`a payment could not be prepared: ${preparation.problem}`);
        return;
      }
      counters.sent++;
      sendLag.recordMs(performance.now() - scheduledPerf);
      const payment = await this.send(preparation.payment, scheduledPerf, answerPatienceMs, counters, { refusals, retries });
      if (payment) accepted.push(payment);
    };

    const progress = setInterval(
      () => this.log(`sent ${counters.sent}/${count}, accepted ${accepted.length}, in flight ${counters.inFlight}, shed ${counters.shed}, refused ${Object.values(refusals).reduce((a, b) => a + b, 0)}`),
      5000,
    );
    try {
      await new Promise<void>((resolve) => {
        let nextToSend = 0;
        const dispatch = (): void => {
          const now = performance.now();
          while (nextToSend < count && startPerf + planned[nextToSend].offsetMs <= now) {
            const index = nextToSend++;
            counters.inFlight++;
            counters.peakInFlight = Math.max(counters.peakInFlight, counters.inFlight);
            const sending: Promise<void> = send(index, startPerf + planned[index].offsetMs)
              .catch((error: unknown) => {
                counters.clientErrors++;
                this.log(`the client failed on a payment: ${errorText(error)}`);
              })
              .finally(() => {
                counters.inFlight--;
                inFlight.delete(sending);
              });
            inFlight.add(sending);
          }
          counters.peakSockets = Math.max(counters.peakSockets, this.edge.openSockets);
          if (nextToSend >= count) {
            resolve();
            return;
          }
          setTimeout(dispatch, Math.max(0, startPerf + planned[nextToSend].offsetMs - performance.now()));
        };
        setTimeout(dispatch, Math.max(0, startPerf - performance.now()));
      });
      // The preparer keeps going until the last payment is out: one due before its preparation waits for it.
      await Promise.all(inFlight);
    } finally {
      clearInterval(preparer);
      clearInterval(progress);
    }
    const cpu = process.cpuUsage(cpuBefore);
    await pinBlocks.close();
    return {
      startAt,
      scheduled: count,
      sent: counters.sent,
      accepted,
      shed: counters.shed,
      shedAnswers: counters.shedAnswers,
      throttledAnswers: counters.throttledAnswers,
      refusals,
      unanswered: counters.unanswered,
      resent: counters.resent,
      retries,
      notPrepared: counters.notPrepared,
      clientErrors: counters.clientErrors,
      preparedLate: counters.preparedLate,
      sendLag: sendLag.summary(),
      peakInFlight: counters.peakInFlight,
      peakSockets: counters.peakSockets,
      client: { cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000, eventLoopUtilization: Math.round(performance.eventLoopUtilization(loopBefore).utilization * 1000) / 1000 },
    };
  }

  private async prepare(pinBlocks: PinBlockMaker, planned: PlannedPayment, startAt: number): Promise<Preparation> {
    try {
      const payer = this.users[planned.payerIndex];
      const payee = this.users[planned.payeeIndex];
      if (payer.pin === undefined) throw new Error(`user ${payer.userId} has no UPI PIN to pay with`);
      const amount = formatMinor(planned.amountMinor);
      const iat = Math.floor((startAt + planned.offsetMs) / 1000);
      const encryptedPin = await pinBlocks.pay(payer.bankCode, payer.pin, amount, iat);
      const body = JSON.stringify({ payee: { phone: payee.phone }, amount: { value: amount, currency: 'INR' }, note: 'bench', encryptedPin });
      return { ok: true, payment: { payer, payee, amountMinor: planned.amountMinor, idempotencyKey: randomUUID(), body, contentLength: Buffer.byteLength(body) } };
    } catch (error) {
      return { ok: false, problem: errorText(error) };
    }
  }

  /** Sends one payment, again with the same key and body as open-loop-answers.ts says; its acceptance, if any. */
  private async send(
    payment: PreparedPayment,
    scheduledPerf: number,
    patienceMs: number,
    counters: { shed: number; shedAnswers: number; throttledAnswers: number; unanswered: number; resent: number },
    tallies: { readonly refusals: Record<string, number>; readonly retries: Record<string, number> },
  ): Promise<OpenLoopAccepted | undefined> {
    const { refusals, retries } = tallies;
    const payerId = payment.payer.userId;
    const giveUpAt = Date.now() + patienceMs;
    let shedAnswers = 0;
    let throttledAnswers = 0;
    let fateUnknown = false;
    for (let attempts = 1; ; attempts++) {
      if (attempts === 2) counters.resent++;
      let answer: PayAnswer;
      let accessToken: string | undefined;
      let body: unknown;
      try {
        const session = this.sessions.fresh(payerId) ?? (await this.sessions.current(payerId));
        accessToken = session.accessToken;
        const result = await this.edge.request(
          'POST',
          '/v1/payments',
          {
            accept: 'application/json, application/problem+json',
            authorization: `Bearer ${accessToken}`,
            'content-type': 'application/json',
            'content-length': payment.contentLength,
            'idempotency-key': payment.idempotencyKey,
          },
          payment.body,
        );
        body = EdgeHttp.json(result);
        const problem = typeof body === 'object' && body !== null ? (body as Partial<Problem>) : {};
        const retryAfter = result.headers['retry-after'];
        answer = { kind: 'answered', status: result.status, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, problemCode: problem.code, resultCode: problem.resultCode };
      } catch (error) {
        if (!(error instanceof SessionUnavailable) && !isNetworkFailure(error)) throw error;
        answer = { kind: 'no-answer', problem: errorText(error) };
      }
      const step = nextStep(answer, { attempts, shedAnswers, throttledAnswers, patienceSpent: Date.now() >= giveUpAt, fateUnknown }, (attempt) => backoffMs(attempt - 1));
      if (step.kind === 'retry' && step.because === 'no-answer') fateUnknown = true;
      if (step.kind === 'shed' || (step.kind === 'retry' && step.because === 'shed')) {
        shedAnswers++;
        counters.shedAnswers++;
      }
      if (answer.kind === 'answered' && answer.status === 429) {
        throttledAnswers++;
        counters.throttledAnswers++;
      }
      switch (step.kind) {
        case 'accepted': {
          const acceptedPerfAt = performance.now();
          const paymentId = (body as { paymentId?: unknown }).paymentId;
          if (typeof paymentId !== 'string') throw new Error(`POST /v1/payments answered ${answer.kind === 'answered' ? answer.status : '?'} without a paymentId`);
          return {
            paymentId,
            payerUserId: payerId,
            payerAccountRef: payment.payer.accountRef,
            payeeAccountRef: payment.payee.accountRef,
            amountMinor: payment.amountMinor,
            acceptedAt: Date.now(),
            acceptedPerfAt,
            scheduledAt: performance.timeOrigin + scheduledPerf,
            acceptedAtPrecise: performance.timeOrigin + acceptedPerfAt,
          };
        }
        case 'refused':
          refusals[step.code] = (refusals[step.code] ?? 0) + 1;
          return undefined;
        case 'shed':
          counters.shed++;
          return undefined;
        case 'unanswered':
          counters.unanswered++;
          this.log(`gave up on a payment after ${attempts} attempts: ${step.problem}`);
          return undefined;
        case 'retry': {
          const reason = answer.kind === 'answered' ? `answered ${answer.status}${answer.problemCode ? ` ${answer.problemCode}` : ''}` : answer.problem;
          retries[reason] = (retries[reason] ?? 0) + 1;
          if (step.because === 'unauthorized' && accessToken !== undefined) {
            await this.sessions.renew(payerId, accessToken).catch((error: unknown) => {
              if (!(error instanceof SessionUnavailable)) throw error;
            });
          }
          await sleep(step.afterMs);
          break;
        }
        default:
          return assertNever(step);
      }
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
