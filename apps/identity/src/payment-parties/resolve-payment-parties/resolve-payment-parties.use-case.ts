import { Inject, Injectable } from '@nestjs/common';
import { RESULT_CODES } from '@kirim/contracts';
import { Clock } from '@kirim/platform';
import { PAYEE_LOOKUP_BUCKET_POLICY, PayeeLookupBucketPolicy, secondsUntilLevel } from '../../payees/payee-lookup-bucket';
import { PayeeLookupBucketRepository } from '../../payees/payee-lookup-bucket.repository';
import { PaymentAddressRepository } from '../../payment-addresses/payment-address.repository';
import { parsePaymentAddress } from '../../payment-addresses/payment-handle-rules';
import { PayeeReference, PaymentPartyReader } from '../payment-party-reader';

/** The payee by exactly one of their phone number and their payment address (`handle@kirim`). */
export type ResolvePaymentPartiesCommand = {
  /** The payer payments authenticated (its service token vouches for it): nobody resolves a payment on someone else's behalf. */
  readonly payerUserId: string;
} & ({ readonly payeePhone: string; readonly payeeAddress?: undefined } | { readonly payeeAddress: string; readonly payeePhone?: undefined });

export interface PaymentParties {
  readonly payer: { readonly userId: string; readonly bankCode: string; readonly accountRef: string };
  readonly payee: { readonly userId: string; readonly displayName: string; readonly bankCode: string; readonly accountRef: string };
}

/** Each failure with the UPI result code payments records for it, where UPI has one. */
export type PaymentPartiesFailure =
  | { readonly code: 'payee-unknown'; readonly resultCode: typeof RESULT_CODES.INVALID_ADDRESS }
  | { readonly code: 'payee-account-missing'; readonly resultCode: typeof RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING }
  | { readonly code: 'payer-account-missing'; readonly resultCode: typeof RESULT_CODES.REMITTER_ACCOUNT_MISSING }
  | { readonly code: 'self-payment' }
  /** The address is a merchant's (docs/merchants.md): paid through its orders and collect requests, never as a person. */
  | { readonly code: 'payee-is-merchant' }
  | { readonly code: 'payer-unknown' }
  | { readonly code: 'rate-limited'; readonly retryAfterSeconds: number };

export type ResolvePaymentPartiesResult = ({ readonly ok: true } & PaymentParties) | ({ readonly ok: false } & PaymentPartiesFailure);

/**
 * Who pays from which account and who is paid into which: each user's primary linked account. A
 * payment names its payee as a lookup does, so it is paid for from the payer's same anti-scan bucket
 * (payees/payee-lookup-bucket.ts): otherwise paying tiny amounts to guessed numbers would scan the
 * directory around GET /v1/payees. Unlike GET /v1/payees it does not reserve a miss's cost up front:
 * a payment also needs the payer's PIN and passes the payer's limits, so concurrent payments to known
 * payees (a hit each) must not be refused for the misses they are not.
 */
@Injectable()
export class ResolvePaymentParties {
  constructor(
    private readonly parties: PaymentPartyReader,
    private readonly addresses: PaymentAddressRepository,
    private readonly buckets: PayeeLookupBucketRepository,
    @Inject(PAYEE_LOOKUP_BUCKET_POLICY) private readonly policy: PayeeLookupBucketPolicy,
    private readonly clock: Clock,
  ) {}

  async execute(command: ResolvePaymentPartiesCommand): Promise<ResolvePaymentPartiesResult> {
    // Everything is read first (an address, then both users with their accounts in one read); the
    // answers are then given in the order the rules rank them, so reading early changes none of them.
    const named = command.payeePhone !== undefined ? ({ phone: command.payeePhone } as const) : await this.findByAddress(command.payeeAddress);
    // A hit's cost is taken with the read (for a payer who exists), so a payer paying several people
    // at once is not slowed; a miss then pays the rest of a miss's cost, or all that is left (a scan
    // drains the bucket and is refused after).
    const now = this.clock.now();
    const { payer, payee, hitTaken } = await this.parties.read(command.payerUserId, named === 'merchant' ? null : named, { cost: this.policy.hitCost, now, policy: this.policy });
    if (!payer) return { ok: false, code: 'payer-unknown' };
    if (!hitTaken) {
      const level = await this.buckets.levelOf(payer.userId, now, this.policy);
      return { ok: false, code: 'rate-limited', retryAfterSeconds: secondsUntilLevel(level, this.policy.hitCost, this.policy) };
    }
    // Found (a hit, already paid for), but not a person: resolving it to the owner would pay the owner
    // privately, outside the merchant's orders, caps and refunds. Before self-payment, so the owner
    // naming their merchant's address (as a settlement address, say) is told the same.
    if (named === 'merchant') return { ok: false, code: 'payee-is-merchant' };
    // UPI ZH: "invalid virtual address" — the payee is not known to the platform.
    if (!payee) {
      await this.chargeMiss(payer.userId);
      return { ok: false, code: 'payee-unknown', resultCode: RESULT_CODES.INVALID_ADDRESS };
    }
    if (payee.userId === payer.userId) return { ok: false, code: 'self-payment' };

    // UPI XH / XI: remitter / beneficiary account does not exist.
    if (!payer.primaryAccount) return { ok: false, code: 'payer-account-missing', resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING };
    if (!payee.primaryAccount) return { ok: false, code: 'payee-account-missing', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING };

    return {
      ok: true,
      payer: { userId: payer.userId, bankCode: payer.primaryAccount.bankCode, accountRef: payer.primaryAccount.accountRef },
      payee: { userId: payee.userId, displayName: payee.displayName, bankCode: payee.primaryAccount.bankCode, accountRef: payee.primaryAccount.accountRef },
    };
  }

  private async chargeMiss(payerUserId: string): Promise<void> {
    const rest = await this.buckets.take(payerUserId, this.policy.missCost - this.policy.hitCost, this.clock.now(), this.policy);
    if (!rest.taken && rest.level > 0) await this.buckets.take(payerUserId, rest.level, this.clock.now(), this.policy);
  }

  /**
   * The holder of a kirim address, 'merchant' for a merchant's, or null for an address nobody holds
   * (another PSP's address, like an unknown one, resolves to nobody: ZH).
   */
  private async findByAddress(address: string): Promise<PayeeReference | 'merchant' | null> {
    const parsed = parsePaymentAddress(address);
    if (!parsed.ok) return null;
    const held = await this.addresses.findByHandle(parsed.handle);
    if (held === null) return null;
    return held.merchantId !== null ? 'merchant' : { userId: held.userId };
  }
}
