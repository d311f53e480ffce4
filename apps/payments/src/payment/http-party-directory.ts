import { INTERNAL_OPERATIONS, MAX_PARTY_RESOLUTIONS_PER_CALL, PartyResolution, PaymentPartiesAnswer, PaymentPartyResolutionsAnswer } from '@kirim/contracts';
import { InternalHttpClient, InternalProblem } from '@kirim/platform';
import { PartyDirectory, PartyLookupFailure, PartyLookupResult, PayeeIdentifier } from './party-directory';

/** Identity must answer within this; the payer is waiting on the HTTP request. */
export const PARTY_LOOKUP_TIMEOUT_MS = 3_000;

/** identity's problems that mean "this payment cannot be made" rather than "identity is broken". */
const PASSED_ON_STATUSES = new Set([404, 422, 429]);

type LookupQuery = { readonly payerUserId: string; readonly payeePhone: string } | { readonly payerUserId: string; readonly payeeAddress: string };

interface WaitingLookup {
  readonly query: LookupQuery;
  readonly answer: (result: PartyLookupResult) => void;
}

/**
 * identity's internal resolve-payment-parties, asked with payments' own service token for the payer
 * payments authenticated. The answer is validated against the contract before it is stored and
 * forwarded (InternalHttpClient); logs name the operation and status, never the payee.
 *
 * At most `callsInFlight` calls are out at once. A lookup asked while they are waits, and the
 * lookups that waited go together in the next call (resolve-payment-parties-batch, up to
 * MAX_PARTY_RESOLUTIONS_PER_CALL): at a low rate each lookup is a call of its own, sent at once; at a
 * high one identity checks a token, routes and logs once for many. A lookup that finds nothing
 * waiting goes as the single operation, as it always has.
 */
export class HttpPartyDirectory extends PartyDirectory {
  private readonly waiting: WaitingLookup[] = [];
  private callsOut = 0;

  constructor(
    private readonly client: InternalHttpClient,
    /** PaymentsConfig PARTY_LOOKUP_CALLS_IN_FLIGHT. */
    private readonly callsInFlight: number,
  ) {
    super();
    if (!Number.isSafeInteger(callsInFlight) || callsInFlight < 1) throw new Error(`calls in flight must be a positive integer, not ${callsInFlight}`);
  }

  resolve(payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult> {
    const query: LookupQuery = payee.phone !== undefined ? { payerUserId, payeePhone: payee.phone } : { payerUserId, payeeAddress: payee.address };
    return new Promise((answer) => {
      this.waiting.push({ query, answer });
      this.sendWaiting();
    });
  }

  private sendWaiting(): void {
    while (this.callsOut < this.callsInFlight && this.waiting.length > 0) {
      const lookups = this.waiting.splice(0, MAX_PARTY_RESOLUTIONS_PER_CALL);
      this.callsOut += 1;
      void this.ask(lookups).finally(() => {
        this.callsOut -= 1;
        this.sendWaiting();
      });
    }
  }

  private async ask(lookups: WaitingLookup[]): Promise<void> {
    try {
      if (lookups.length === 1) {
        lookups[0].answer(await this.askOne(lookups[0].query));
        return;
      }
      const answer = await this.client.call(
        INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES_BATCH,
        { body: { items: lookups.map((lookup) => lookup.query) }, timeoutMs: PARTY_LOOKUP_TIMEOUT_MS },
        PaymentPartyResolutionsAnswer,
      );
      if (answer.ok && answer.value.results.length !== lookups.length) {
        answerAll(lookups, unavailable(`identity answered ${answer.value.results.length} resolutions for ${lookups.length} lookups`));
        return;
      }
      // The call as a whole refused (a 400, a 403) or failed: no lookup of it has an answer of its own.
      if (!answer.ok) {
        answerAll(lookups, unavailable(answer.kind === 'refused' ? `identity answered ${answer.status}` : answer.reason));
        return;
      }
      lookups.forEach((lookup, index) => lookup.answer(fromResolution(answer.value.results[index])));
    } catch (error) {
      // InternalHttpClient answers rather than throws; this keeps a bug in it from leaving payers waiting forever.
      answerAll(lookups, unavailable(error instanceof Error ? error.message : String(error)));
    }
  }

  private async askOne(query: LookupQuery): Promise<PartyLookupResult> {
    const answer = await this.client.call(INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES, { query: { ...query }, timeoutMs: PARTY_LOOKUP_TIMEOUT_MS }, PaymentPartiesAnswer);
    if (answer.ok) return { ok: true, parties: answer.value };
    if (answer.kind === 'refused') return refusedOrUnavailable(answer.status, answer.problem);
    return unavailable(answer.reason);
  }
}

function fromResolution(resolution: PartyResolution): PartyLookupResult {
  if (resolution.parties !== undefined) return { ok: true, parties: resolution.parties };
  const { status, ...problem } = resolution.problem as NonNullable<PartyResolution['problem']>;
  return refusedOrUnavailable(status, problem);
}

function refusedOrUnavailable(status: number, problem: InternalProblem): PartyLookupResult {
  if (PASSED_ON_STATUSES.has(status)) return { ok: false, failure: { kind: 'refused', status, ...problem } };
  return unavailable(`identity answered ${status}`);
}

function unavailable(reason: string): { readonly ok: false; readonly failure: PartyLookupFailure } {
  return { ok: false, failure: { kind: 'unavailable', reason } };
}

function answerAll(lookups: readonly WaitingLookup[], result: PartyLookupResult): void {
  for (const lookup of lookups) lookup.answer(result);
}

