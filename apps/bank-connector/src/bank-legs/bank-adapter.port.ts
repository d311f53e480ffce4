import type { LegPurpose, Money, ResultCode } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';

export type LegDirection = 'debit' | 'credit';

/** A leg as every adapter receives it: the contract's command with the amount parsed to minor units. */
export interface BankLegCommand {
  readonly requestId: string;
  readonly paymentId: string;
  readonly txnId: string;
  readonly purpose: LegPurpose;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amount: Money;
  /**
   * The payer's UPI PIN block, on a payment's first debit request only (docs/upi-pin.md): for the
   * payer's bank to open, never for bank-connector to keep or log.
   */
  readonly encryptedPin?: string;
  /** On a merchant's refund (purpose `refund`): the payment refunded, for the merchant's bank to check the debit against. */
  readonly refundOf?: string;
}

/**
 * What an adapter did with a leg. A decline is an expected outcome, so it is a value; a throw means
 * an outage or a bug.
 * - `approved` / `declined`: the bank answered now (the sandbox ledger, in the consumer's transaction);
 * - `forwarded`: the leg went to the bank over its own channel (a partner's topic); its answer comes
 *   later and is applied by ApplyPartnerAnswer;
 * - `refused`: the leg must not be acted on (its request id was used before for another leg).
 */
export type BankLegOutcome =
  | { readonly kind: 'approved'; readonly rrn: string }
  | { readonly kind: 'declined'; readonly resultCode: ResultCode; readonly reason: string }
  | { readonly kind: 'forwarded' }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * The port to one way of reaching banks: the sandbox ledger, Kafka-native partner banks (and HTTP
 * partner banks later), each with its own mapper to and from the contract. `tx` is the consumer's
 * transaction: an adapter that writes (the ledger, or a partner's outbound record) writes there, so
 * its effect commits together with the answer published to bank.responses.
 */
export interface BankAdapter {
  /** For logs and boot errors. */
  readonly name: string;
  /** The bank codes this adapter answers for; two adapters claiming one code stop the service at boot. */
  readonly bankCodes: readonly string[];
  apply(tx: TransactionScope, direction: LegDirection, leg: BankLegCommand): Promise<BankLegOutcome>;
}

/** Multi-provider token: every BankAdapter of the service. */
export const BANK_ADAPTERS = Symbol('BANK_ADAPTERS');
