import { KIRIM_PSP_HANDLE } from '@kirim/contracts';

/**
 * A payment address `handle@kirim` of a user. `handle` is stored lowercase; `isDefault` marks the
 * one made from the phone number when the user was created (docs/payment-addresses.md).
 */
export interface PaymentAddress {
  readonly id: string;
  readonly userId: string;
  readonly handle: string;
  readonly isPrimary: boolean;
  readonly isDefault: boolean;
  readonly createdAt: Date;
}

/** `handle@kirim`, as a payer types it and as kirim shows it. */
export function formatPaymentAddress(handle: string): string {
  return `${handle}@${KIRIM_PSP_HANDLE}`;
}
