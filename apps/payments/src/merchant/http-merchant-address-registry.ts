import { INTERNAL_OPERATIONS, MerchantAddressReservation as ReservationAnswer, PROBLEM_CODES, ReserveMerchantAddressRequest } from '@kirim/contracts';
import { InternalHttpClient } from '@kirim/platform';
import { MerchantAddressClaim, MerchantAddressRegistry, MerchantAddressReservation } from './merchant-address-registry';

/** identity must answer within this; the owner is waiting on the onboarding request. */
export const MERCHANT_ADDRESS_RESERVATION_TIMEOUT_MS = 3_000;

/** identity's refusals about the handle itself, each as onboarding words it; anything else is identity not answering usefully. */
const REFUSALS = {
  [PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN]: 'taken',
  [PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE]: 'confusable',
  [PROBLEM_CODES.PAYMENT_ADDRESS_INVALID]: 'invalid',
  [PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED]: 'reserved',
} as const;

/**
 * identity's internal reserve-merchant-address, asked with payments' own service token
 * (InternalHttpClient validates the answer against the contract). The body is the contract's class,
 * so a field payments forgets is a type error here, not a 400 at identity.
 */
export class HttpMerchantAddressRegistry extends MerchantAddressRegistry {
  constructor(private readonly client: InternalHttpClient) {
    super();
  }

  async reserve(claim: MerchantAddressClaim): Promise<MerchantAddressReservation> {
    const body: ReserveMerchantAddressRequest = { ownerUserId: claim.ownerUserId, merchantId: claim.merchantId, handle: claim.handle };
    const answer = await this.client.call(INTERNAL_OPERATIONS.RESERVE_MERCHANT_ADDRESS, { body, timeoutMs: MERCHANT_ADDRESS_RESERVATION_TIMEOUT_MS }, ReservationAnswer);
    if (answer.ok) {
      // An answer about another merchant would be identity's bug; storing this merchant on it would not be safe.
      if (answer.value.merchantId !== claim.merchantId) return { ok: false, refusal: 'unavailable', reason: 'identity answered for another merchant' };
      return { ok: true };
    }
    if (answer.kind === 'refused' && hasRefusal(answer.problem.code)) return { ok: false, refusal: REFUSALS[answer.problem.code], detail: answer.problem.detail };
    return { ok: false, refusal: 'unavailable', reason: answer.kind === 'refused' ? `identity answered ${answer.status} ${answer.problem.code}` : answer.reason };
  }
}

function hasRefusal(code: string): code is keyof typeof REFUSALS {
  return Object.prototype.hasOwnProperty.call(REFUSALS, code);
}
