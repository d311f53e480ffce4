import { Inject, Injectable } from '@nestjs/common';
import { RESULT_CODES } from '@kirim/contracts';
import { Clock } from '@kirim/platform';
import { LinkedBankAccountRepository } from '../../bank-accounts/linked-bank-account.repository';
import { PAYEE_LOOKUP_BUCKET_POLICY, PayeeLookupBucketPolicy, secondsUntilLevel } from '../../payees/payee-lookup-bucket';
import { PayeeLookupBucketRepository } from '../../payees/payee-lookup-bucket.repository';
import { PaymentAddressRepository } from '../../payment-addresses/payment-address.repository';
import { parsePaymentAddress } from '../../payment-addresses/payment-handle-rules';
import type { User } from '../../users/user';
import { UserRepository } from '../../users/user.repository';

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
    private readonly users: UserRepository,
    private readonly accounts: LinkedBankAccountRepository,
    private readonly addresses: PaymentAddressRepository,
    private readonly buckets: PayeeLookupBucketRepository,
    @Inject(PAYEE_LOOKUP_BUCKET_POLICY) private readonly policy: PayeeLookupBucketPolicy,
    private readonly clock: Clock,
  ) {}

  async execute(command: ResolvePaymentPartiesCommand): Promise<ResolvePaymentPartiesResult> {
    const payer = await this.users.findById(command.payerUserId);
    if (!payer) return { ok: false, code: 'payer-unknown' };
    // A hit's cost first, so a payer paying several people at once is not slowed; a miss then pays the
    // rest of a miss's cost, or all that is left (a scan drains the bucket and is refused after).
    const taken = await this.buckets.take(payer.id, this.policy.hitCost, this.clock.now(), this.policy);
    if (!taken.taken) return { ok: false, code: 'rate-limited', retryAfterSeconds: secondsUntilLevel(taken.level, this.policy.hitCost, this.policy) };
    const payee = command.payeePhone !== undefined ? await this.users.findByPhone(command.payeePhone) : await this.findByAddress(command.payeeAddress);
    // UPI ZH: "invalid virtual address" — the payee is not known to the platform.
    if (!payee) {
      await this.chargeMiss(payer.id);
      return { ok: false, code: 'payee-unknown', resultCode: RESULT_CODES.INVALID_ADDRESS };
    }
    // Found (a hit, already paid for), but not a person: resolving it to the owner would pay the owner
    // privately, outside the merchant's orders, caps and refunds. Before self-payment, so the owner
    // naming their merchant's address (as a settlement address, say) is told the same.
    if (payee === 'merchant') return { ok: false, code: 'payee-is-merchant' };
    if (payee.id === payer.id) return { ok: false, code: 'self-payment' };

    const [payerAccount, payeeAccount] = await Promise.all([this.accounts.findPrimary(payer.id), this.accounts.findPrimary(payee.id)]);
    // UPI XH / XI: remitter / beneficiary account does not exist.
    if (!payerAccount) return { ok: false, code: 'payer-account-missing', resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING };
    if (!payeeAccount) return { ok: false, code: 'payee-account-missing', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING };

    return {
      ok: true,
      payer: { userId: payer.id, bankCode: payerAccount.bankCode, accountRef: payerAccount.accountRef },
      payee: { userId: payee.id, displayName: payee.displayName, bankCode: payeeAccount.bankCode, accountRef: payeeAccount.accountRef },
    };
  }

  private async chargeMiss(payerUserId: string): Promise<void> {
    const rest = await this.buckets.take(payerUserId, this.policy.missCost - this.policy.hitCost, this.clock.now(), this.policy);
    if (!rest.taken && rest.level > 0) await this.buckets.take(payerUserId, rest.level, this.clock.now(), this.policy);
  }

  /**
   * The holder of a kirim address, or 'merchant' for a merchant's; another PSP's address, like an
   * unknown one, resolves to nobody (ZH).
   */
  private async findByAddress(address: string): Promise<User | 'merchant' | null> {
    const parsed = parsePaymentAddress(address);
    if (!parsed.ok) return null;
    const held = await this.addresses.findByHandle(parsed.handle);
    if (held === null) return null;
    return held.merchantId !== null ? 'merchant' : this.users.findById(held.userId);
  }
}
