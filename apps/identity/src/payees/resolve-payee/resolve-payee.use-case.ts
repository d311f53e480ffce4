import { Inject, Injectable } from '@nestjs/common';
import { RESULT_CODES } from '@kirim/contracts';
import { Clock } from '@kirim/platform';
import { LinkedBankAccountRepository } from '../../bank-accounts/linked-bank-account.repository';
import { formatPaymentAddress } from '../../payment-addresses/payment-address';
import { PaymentAddressRepository } from '../../payment-addresses/payment-address.repository';
import { parsePaymentAddress } from '../../payment-addresses/payment-handle-rules';
import { UserRepository } from '../../users/user.repository';
import { maskHolderName } from '../payee-name-mask';
import { PAYEE_LOOKUP_BUCKET_POLICY, PayeeLookupBucketPolicy, secondsUntilLevel } from '../payee-lookup-bucket';
import { PayeeLookupBucketRepository } from '../payee-lookup-bucket.repository';

export interface ResolvePayeeCommand {
  /** The caller: whose bucket pays for the lookup. */
  readonly callerUserId: string;
  /** Exactly one of them: an E.164 number, or a `handle@psp` address. */
  readonly payee: { readonly phone: string } | { readonly address: string };
}

/** What a payer is shown before paying: never an account number, an account reference or a phone number. */
export interface ResolvedPayee {
  readonly address: string | null;
  /** The bank-registered holder name, masked (payee-name-mask.ts); null for an account linked before names were recorded. */
  readonly name: string | null;
  readonly bankName: string | null;
}

export type ResolvePayeeResult =
  | { readonly ok: true; readonly payee: ResolvedPayee }
  | { readonly ok: false; readonly code: 'rate-limited'; readonly retryAfterSeconds: number }
  | { readonly ok: false; readonly code: 'payee-unknown'; readonly resultCode: typeof RESULT_CODES.INVALID_ADDRESS }
  /** The address is a merchant's (docs/merchants.md): not a person to show and pay. */
  | { readonly ok: false; readonly code: 'payee-is-merchant' }
  | { readonly ok: false; readonly code: 'payee-account-missing'; readonly resultCode: typeof RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING };

/**
 * Finds a payee by phone number or address, within the caller's anti-scan bucket
 * (payee-lookup-bucket.ts): a lookup first takes a miss's cost, so parallel lookups can never spend
 * more than the bucket holds, and a hit gets the difference back. A payee without a linked account
 * (XI) was found, so it is charged as a hit: the lookup learnt the same as any other hit.
 */
@Injectable()
export class ResolvePayee {
  constructor(
    private readonly users: UserRepository,
    private readonly addresses: PaymentAddressRepository,
    private readonly accounts: LinkedBankAccountRepository,
    private readonly buckets: PayeeLookupBucketRepository,
    @Inject(PAYEE_LOOKUP_BUCKET_POLICY) private readonly policy: PayeeLookupBucketPolicy,
    private readonly clock: Clock,
  ) {}

  async execute(command: ResolvePayeeCommand): Promise<ResolvePayeeResult> {
    const taken = await this.buckets.take(command.callerUserId, this.policy.missCost, this.clock.now(), this.policy);
    if (!taken.taken) return { ok: false, code: 'rate-limited', retryAfterSeconds: secondsUntilLevel(taken.level, this.policy.missCost, this.policy) };

    const found = await this.find(command.payee);
    if (found === null) return { ok: false, code: 'payee-unknown', resultCode: RESULT_CODES.INVALID_ADDRESS };
    await this.buckets.giveBack(command.callerUserId, this.policy.missCost - this.policy.hitCost, this.policy);
    // Found (a hit), but a merchant's: showing its owner's bank-registered name would present the
    // owner's personal account as the merchant, and invite paying them outside the merchant's orders.
    if (found === 'merchant') return { ok: false, code: 'payee-is-merchant' };

    const account = await this.accounts.findPrimary(found.userId);
    if (account === null) return { ok: false, code: 'payee-account-missing', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING };
    return {
      ok: true,
      payee: {
        address: found.handle === null ? null : formatPaymentAddress(found.handle),
        name: account.holderName === null ? null : maskHolderName(account.holderName),
        bankName: account.bankName ?? account.bankCode,
      },
    };
  }

  /**
   * The payee's user and the handle to show. Found by address, that address is shown, not the primary
   * one: a primary address made from the phone number would give away the number to someone who only
   * knew a custom handle. Found by phone, the primary address is shown (the caller knows the number).
   */
  private async find(payee: ResolvePayeeCommand['payee']): Promise<{ userId: string; handle: string | null } | 'merchant' | null> {
    if ('phone' in payee) {
      const user = await this.users.findByPhone(payee.phone);
      if (user === null) return null;
      return { userId: user.id, handle: (await this.addresses.findPrimary(user.id))?.handle ?? null };
    }
    const parsed = parsePaymentAddress(payee.address);
    // Another PSP's address is not kirim's to resolve: to the caller it is as unknown as a typo.
    if (!parsed.ok) return null;
    const address = await this.addresses.findByHandle(parsed.handle);
    if (address === null) return null;
    return address.merchantId !== null ? 'merchant' : { userId: address.userId, handle: address.handle };
  }
}
