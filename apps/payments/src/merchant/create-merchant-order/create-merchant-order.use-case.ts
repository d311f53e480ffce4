import { Inject, Injectable } from '@nestjs/common';
import { Money, MoneyDto } from '@kirim/contracts';
import { Clock, IdGenerator } from '@kirim/platform';
import { merchantCategoryOf, merchantPerPaymentMaxMinor, SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { checkPaymentAmount } from '../../payment/initiate-payment/payment-request-rules';
import { Merchant, MerchantOrder } from '../merchant';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { merchantRequestFingerprint } from '../merchant-request-fingerprint';
import { MerchantOrderRepository } from '../merchant-order.repository';

export interface CreateMerchantOrderCommand {
  readonly merchant: Merchant;
  /** The merchant's own id for the order: unique per merchant. */
  readonly reference: string;
  readonly amount: MoneyDto;
  readonly note: string | null;
  /** How long the customer may pay it; the profile's default when absent. */
  readonly expiresInMinutes: number | null;
}

/** `created`: false when the same reference and body came before; this is that order. */
export type CreateMerchantOrderOutcome = { readonly ok: true; readonly order: MerchantOrder; readonly created: boolean } | MerchantFailure;

/**
 * Records a merchant's payment request. The reference makes it idempotent: the same reference and
 * body answer the first order; the same reference with another amount, note or expiry is refused
 * (409), so a merchant's retry can never create a second order nor silently change the first. The
 * amount must fit the per-payment cap of the merchant's category, so a merchant learns now, not the
 * customer at the till, that it cannot be paid.
 */
@Injectable()
export class CreateMerchantOrderUseCase {
  constructor(
    private readonly orders: MerchantOrderRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
  ) {}

  async execute(command: CreateMerchantOrderCommand): Promise<CreateMerchantOrderOutcome> {
    const checked = checkPaymentAmount(command.amount);
    if (!checked.ok) return merchantFailure(checked.reason === 'invalid' ? 'invalid-request' : 'amount-out-of-range', checked.detail);
    const amount = checked.amount;
    if (amount.currency !== this.profile.currency) return merchantFailure('invalid-request', `The ${this.profile.name} scheme profile pays in ${this.profile.currency} only.`);
    const { maxExpiryMs, defaultExpiryMs } = this.profile.merchantOrders;
    if (command.expiresInMinutes !== null && command.expiresInMinutes * 60_000 > maxExpiryMs) {
      return merchantFailure('invalid-request', `expiresInMinutes must be at most ${maxExpiryMs / 60_000}.`);
    }
    const fingerprint = merchantRequestFingerprint('order', { amount, note: command.note, expiresInMinutes: command.expiresInMinutes });

    const earlier = await this.orders.findOrderByReference(command.merchant.id, command.reference);
    if (earlier) return sameOrReused(earlier, fingerprint);

    const cap = perPaymentCap(this.profile, command.merchant);
    if (cap === null) return merchantFailure('merchant-unavailable', `Merchant category ${command.merchant.categoryCode} is no longer in the scheme profile.`);
    if (amount.minorUnits > cap) {
      return merchantFailure('amount-out-of-range', `The amount exceeds the per-transaction limit of ${Money.ofMinor(cap, amount.currency).toString()} for this merchant's category.`);
    }

    const now = this.clock.now();
    const order: MerchantOrder = {
      id: this.ids.uuid(),
      merchantId: command.merchant.id,
      reference: command.reference,
      requestFingerprint: fingerprint,
      amount,
      note: command.note,
      expiresAt: new Date(now.getTime() + (command.expiresInMinutes !== null ? command.expiresInMinutes * 60_000 : defaultExpiryMs)),
      paymentId: null,
      createdAt: now,
    };
    const stored = await this.orders.insertOrder(order);
    // A concurrent request with the same reference won: answered like any repeat.
    return stored.inserted ? { ok: true, order, created: true } : sameOrReused(stored.existing, fingerprint);
  }
}

/** The per-payment cap of the merchant's category (the verified cap for a verified merchant); null if the profile no longer lists it. */
export function perPaymentCap(profile: SchemeProfile, merchant: Pick<Merchant, 'categoryCode' | 'verified'>): bigint | null {
  const group = merchantCategoryOf(profile, merchant.categoryCode);
  return group === null ? null : merchantPerPaymentMaxMinor(group, merchant.verified);
}

function sameOrReused(earlier: MerchantOrder, fingerprint: string): CreateMerchantOrderOutcome {
  if (earlier.requestFingerprint !== fingerprint) {
    return merchantFailure('order-reference-reused', 'This merchant already made an order with this reference and another amount, note or expiry.');
  }
  return { ok: true, order: earlier, created: false };
}
