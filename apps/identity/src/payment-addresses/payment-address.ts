import { KIRIM_PSP_HANDLE } from '@kirim/contracts';

/**
 * A payment address `handle@kirim` of a user. `handle` is stored lowercase; `isDefault` marks the
 * one made from the phone number when the user was created (docs/payment-addresses.md).
 *
 * An address with a `merchantId` is that merchant's (docs/merchants.md), reserved by payments when
 * the merchant was onboarded; `userId` is then the merchant's owner. It is never the owner's own:
 * not listed, counted, made primary or removed by them, and never resolved as a person.
 */
export interface PaymentAddress {
  readonly id: string;
  readonly userId: string;
  readonly handle: string;
  readonly isPrimary: boolean;
  readonly isDefault: boolean;
  /** The merchant holding this address, or null for a user's own address. */
  readonly merchantId: string | null;
  readonly createdAt: Date;
}

/** `handle@kirim`, as a payer types it and as kirim shows it. */
export function formatPaymentAddress(handle: string): string {
  return `${handle}@${KIRIM_PSP_HANDLE}`;
}
