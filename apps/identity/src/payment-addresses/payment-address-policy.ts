/** How many addresses one user may hold (PAYMENT_ADDRESSES_PER_USER, identity.config.ts). */
export class PaymentAddressPolicy {
  constructor(readonly maxPerUser: number) {}
}
