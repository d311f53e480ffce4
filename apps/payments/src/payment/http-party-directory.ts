import { INTERNAL_OPERATIONS, PaymentPartiesAnswer } from '@kirim/contracts';
import { InternalHttpClient } from '@kirim/platform';
import { PartyDirectory, PartyLookupResult, PayeeIdentifier } from './party-directory';

/** Identity must answer within this; the payer is waiting on the HTTP request. */
export const PARTY_LOOKUP_TIMEOUT_MS = 3_000;

/** identity's problems that mean "this payment cannot be made" rather than "identity is broken". */
const PASSED_ON_STATUSES = new Set([404, 422, 429]);

/**
 * identity's internal resolve-payment-parties, asked with payments' own service token for the payer
 * payments authenticated. The answer is validated against the contract before it is stored and
 * forwarded (InternalHttpClient); logs name the operation and status, never the payee.
 */
export class HttpPartyDirectory extends PartyDirectory {
  constructor(private readonly client: InternalHttpClient) {
    super();
  }

  async resolve(payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult> {
    const query: Record<string, string> = payee.phone !== undefined ? { payerUserId, payeePhone: payee.phone } : { payerUserId, payeeAddress: payee.address };
    const answer = await this.client.call(INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES, { query, timeoutMs: PARTY_LOOKUP_TIMEOUT_MS }, PaymentPartiesAnswer);
    if (answer.ok) return { ok: true, parties: answer.value };
    if (answer.kind === 'refused' && PASSED_ON_STATUSES.has(answer.status)) {
      return { ok: false, failure: { kind: 'refused', status: answer.status, ...answer.problem } };
    }
    return { ok: false, failure: { kind: 'unavailable', reason: answer.kind === 'refused' ? `identity answered ${answer.status}` : answer.reason } };
  }
}
