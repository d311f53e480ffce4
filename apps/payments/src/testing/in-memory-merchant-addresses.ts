import { handleSkeleton } from '@kirim/contracts';
import { MerchantAddressClaim, MerchantAddressRegistry, MerchantAddressReservation } from '../merchant/merchant-address-registry';

/**
 * identity's register of merchant addresses in memory, keeping its rules (one holder per handle and
 * per look-alike skeleton, the same claim again answered ok), for unit specs and for payments-only
 * harnesses where identity does not run. `handlesOfUsers` stands for addresses users already hold;
 * `nextAnswer` makes the next call answer something else (identity down, say), once.
 */
export class InMemoryMerchantAddressRegistry extends MerchantAddressRegistry {
  readonly claims: MerchantAddressClaim[] = [];
  readonly calls: MerchantAddressClaim[] = [];
  nextAnswer: MerchantAddressReservation | null = null;

  constructor(private readonly handlesOfUsers: readonly string[] = []) {
    super();
  }

  async reserve(claim: MerchantAddressClaim): Promise<MerchantAddressReservation> {
    this.calls.push(claim);
    if (this.nextAnswer) {
      const answer = this.nextAnswer;
      this.nextAnswer = null;
      return answer;
    }
    const held = this.claims.find((other) => other.merchantId === claim.merchantId);
    if (held) return held.ownerUserId === claim.ownerUserId && held.handle === claim.handle ? { ok: true } : { ok: false, refusal: 'taken', detail: 'This merchant holds another address.' };
    const holders = [...this.handlesOfUsers, ...this.claims.map((other) => other.handle)];
    if (holders.includes(claim.handle)) return { ok: false, refusal: 'taken', detail: 'Another user or merchant already has this handle.' };
    if (holders.some((other) => handleSkeleton(other) === handleSkeleton(claim.handle))) return { ok: false, refusal: 'confusable', detail: 'The handle can be mistaken for an existing address.' };
    this.claims.push(claim);
    return { ok: true };
  }
}
