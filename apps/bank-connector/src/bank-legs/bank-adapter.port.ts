import type { LegPurpose, Money, ResultCode } from '@kirim/contracts';
import type { EntityManager } from 'typeorm';

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
}

/** The bank's answer. A decline is an expected outcome, so it is a value; a throw means an outage or a bug. */
export type BankLegOutcome =
  | { readonly approved: true; readonly rrn: string }
  | { readonly approved: false; readonly resultCode: ResultCode; readonly reason: string };

/**
 * The port to one way of reaching banks (the sandbox ledger today; Kafka-native and HTTP partner
 * banks later, each with its own mapper to and from the contract). `manager` is the consumer's
 * transaction: an adapter that writes (the sandbox ledger, or a partner's outbound record) writes
 * there, so its effect commits together with the answer published to bank.responses.
 */
export interface BankAdapter {
  /** For logs and boot errors. */
  readonly name: string;
  /** The bank codes this adapter answers for; two adapters claiming one code stop the service at boot. */
  readonly bankCodes: readonly string[];
  debit(leg: BankLegCommand, manager: EntityManager): Promise<BankLegOutcome>;
  credit(leg: BankLegCommand, manager: EntityManager): Promise<BankLegOutcome>;
}

/** Multi-provider token: every BankAdapter of the service. */
export const BANK_ADAPTERS = Symbol('BANK_ADAPTERS');
