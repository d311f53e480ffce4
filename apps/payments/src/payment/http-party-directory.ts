import { Logger } from '@nestjs/common';
import { context, Context, ROOT_CONTEXT } from '@opentelemetry/api';
import { INTERNAL_OPERATIONS, MAX_PARTY_RESOLUTIONS_PER_CALL, PartyResolution, PaymentPartiesAnswer, ResolvePaymentPartiesBatchAnswer } from '@kirim/contracts';
import { InternalHttpClient, InternalProblem, readInternalProblem } from '@kirim/platform';
import { PartyDirectory, PartyLookupFailure, PartyLookupResult, PayeeIdentifier } from './party-directory';

/** Identity must answer within this, counted from when the lookup was asked; the payer is waiting on the HTTP request. */
export const PARTY_LOOKUP_TIMEOUT_MS = 3_000;

/** A lookup with less than this left of its timeout when a call is free is not sent: the payer hears at once. */
const LEAST_TIME_FOR_A_CALL_MS = 250;

/** identity's problems that mean "this payment cannot be made" rather than "identity is broken". */
const PASSED_ON_STATUSES = new Set([404, 422, 429]);

type LookupQuery = { readonly payerUserId: string; readonly payeePhone: string } | { readonly payerUserId: string; readonly payeeAddress: string };

interface WaitingLookup {
  readonly query: LookupQuery;
  readonly askedAt: number;
  /** The asking request's trace context: a lookup sent alone continues its payment's trace. */
  readonly context: Context;
  readonly answer: (result: PartyLookupResult) => void;
}

/**
 * identity's internal resolve-payment-parties, asked with payments' own service token for the payer
 * payments authenticated. The answer is validated against the contract before it is stored and
 * forwarded (InternalHttpClient); logs name the operation and status, never the payee.
 *
 * At most `callsInFlight` calls are out at once. A lookup asked while they are waits for one to come
 * back, and the lookups that waited then go together (resolve-payment-parties-batch, up to
 * MAX_PARTY_RESOLUTIONS_PER_CALL; one that waited alone goes as the single call): at a low rate each
 * lookup is a call of its own, sent at once; at a high one identity checks a token, routes and logs
 * once for many. A lookup's timeout runs from when it was asked, waiting included. A batch call is a
 * trace of its own (it serves several payments); a single call continues its payment's trace.
 */
export class HttpPartyDirectory extends PartyDirectory {
  private readonly logger = new Logger(HttpPartyDirectory.name);
  private readonly waiting: WaitingLookup[] = [];
  private callsOut = 0;

  constructor(
    private readonly client: InternalHttpClient,
    /** PaymentsConfig PARTY_LOOKUP_CALLS_IN_FLIGHT. */
    private readonly callsInFlight: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
    if (!Number.isSafeInteger(callsInFlight) || callsInFlight < 1) throw new Error(`calls in flight must be a positive integer, not ${callsInFlight}`);
  }

  resolve(payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult> {
    const query: LookupQuery = payee.phone !== undefined ? { payerUserId, payeePhone: payee.phone } : { payerUserId, payeeAddress: payee.address };
    return new Promise((answer) => {
      this.waiting.push({ query, askedAt: this.now(), context: context.active(), answer });
      this.sendWaiting();
    });
  }

  private sendWaiting(): void {
    while (this.callsOut < this.callsInFlight && this.waiting.length > 0) {
      const lookups = this.stillInTime(this.waiting.splice(0, MAX_PARTY_RESOLUTIONS_PER_CALL));
      if (lookups.length === 0) continue;
      this.callsOut += 1;
      const call = lookups.length === 1 ? context.with(lookups[0].context, () => this.askOne(lookups[0])) : context.with(ROOT_CONTEXT, () => this.askTogether(lookups));
      void call
        // InternalHttpClient answers rather than throws; this keeps a bug in it from leaving payers waiting forever.
        .catch((error: unknown) => this.failAll(lookups, error instanceof Error ? error.message : String(error)))
        .finally(() => {
          this.callsOut -= 1;
          this.sendWaiting();
        });
    }
  }

  /** The lookups with time left for a call; the others are answered as identity not answering in time. */
  private stillInTime(lookups: WaitingLookup[]): WaitingLookup[] {
    const now = this.now();
    const inTime: WaitingLookup[] = [];
    for (const lookup of lookups) {
      if (this.timeLeft(lookup, now) >= LEAST_TIME_FOR_A_CALL_MS) inTime.push(lookup);
      else lookup.answer(unavailable('waited past the lookup timeout for a call to identity'));
    }
    return inTime;
  }

  private timeLeft(lookup: WaitingLookup, now: number): number {
    return PARTY_LOOKUP_TIMEOUT_MS - (now - lookup.askedAt);
  }

  private async askOne(lookup: WaitingLookup): Promise<void> {
    const answer = await this.client.call(
      INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES,
      { query: { ...lookup.query }, timeoutMs: this.timeLeft(lookup, this.now()) },
      PaymentPartiesAnswer,
    );
    if (answer.ok) lookup.answer({ ok: true, parties: answer.value });
    else lookup.answer(answer.kind === 'refused' ? refusedOrUnavailable(answer.status, answer.problem) : unavailable(answer.reason));
  }

  private async askTogether(lookups: WaitingLookup[]): Promise<void> {
    const now = this.now();
    const answer = await this.client.call(
      INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES_BATCH,
      { body: { items: lookups.map((lookup) => lookup.query) }, timeoutMs: Math.min(...lookups.map((lookup) => this.timeLeft(lookup, now))) },
      ResolvePaymentPartiesBatchAnswer,
    );
    // The call as a whole refused (a 400, a 403) or failed: no lookup of it has an answer of its own.
    if (!answer.ok) return this.failAll(lookups, answer.kind === 'refused' ? `identity answered ${answer.status}` : answer.reason);
    const { results } = answer.value;
    if (results.length !== lookups.length) return this.failAll(lookups, `identity answered ${results.length} resolutions for ${lookups.length} lookups`);
    lookups.forEach((lookup, index) => lookup.answer(fromResolution(results[index])));
  }

  /** Every lookup of a call unavailable, logged with the count and the reason (never a payee). */
  private failAll(lookups: readonly WaitingLookup[], reason: string): void {
    this.logger.warn(`a call to identity for ${lookups.length} lookups failed: ${reason}`);
    for (const lookup of lookups) lookup.answer(unavailable(reason));
  }
}

/** One result of a batch as the single call's answer would have been taken. */
function fromResolution(resolution: PartyResolution): PartyLookupResult {
  // The contract lets exactly one through; a null beside the other is not an answer.
  if (resolution.problem != null) {
    const problem = readInternalProblem(resolution.problem);
    if (problem === null) return unavailable(`identity answered ${resolution.problem.status} with a problem code payments does not know`);
    const { retryAfterSeconds } = resolution.problem;
    return refusedOrUnavailable(resolution.problem.status, retryAfterSeconds !== undefined ? { ...problem, retryAfterSeconds } : problem);
  }
  if (resolution.parties != null) return { ok: true, parties: resolution.parties };
  return unavailable('identity answered a resolution with neither parties nor a problem');
}

function refusedOrUnavailable(status: number, problem: InternalProblem): PartyLookupResult {
  if (PASSED_ON_STATUSES.has(status)) return { ok: false, failure: { kind: 'refused', status, ...problem } };
  return unavailable(`identity answered ${status}`);
}

function unavailable(reason: string): { readonly ok: false; readonly failure: PartyLookupFailure } {
  return { ok: false, failure: { kind: 'unavailable', reason } };
}
