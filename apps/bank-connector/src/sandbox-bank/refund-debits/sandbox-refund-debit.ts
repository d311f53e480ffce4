import { Money, RESULT_CODES } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import type { PinDecline } from '../upi-pin/sandbox-pin-check';

/** A debit of purpose `refund`, as the sandbox bank authorises it. */
export interface RefundDebitToAuthorize {
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amount: Money;
  /** The payment refunded (the contract requires it on a refund leg). */
  readonly refundOf?: string;
}

/**
 * The sandbox bank's authorisation of a merchant's refund (docs/merchants.md). A refund's debit
 * carries no UPI PIN: the merchant authorised it at kirim with its API key, as a merchant's bank
 * honours refunds its acquirer sends under the merchant's agreement. So that this is not a way to
 * take money out of any account without a PIN, the bank checks what it knows itself: the account
 * it debits was credited by the refunded payment (purpose `payment`, approved), for at least this
 * amount. That the refunds of a payment add up to no more than it is payments' rule (the order's
 * row lock); the bank checks each refund against the payment, not their sum.
 *
 * Null when the debit may go; else the decline, recorded under the request id like a PIN's.
 */
export async function authorizeSandboxRefundDebit(tx: InTransaction, debit: RefundDebitToAuthorize): Promise<PinDecline | null> {
  if (debit.refundOf === undefined) return { resultCode: RESULT_CODES.DEBIT_FAILED, reason: 'a refund debit must name the payment it refunds' };
  const rows = await tx.manager.query<Array<{ amount_minor: string; currency: string }>>(
    `SELECT amount_minor::text AS amount_minor, currency
       FROM sandbox_postings
      WHERE payment_id = $1 AND customer_account_id = $2 AND bank_code = $3
        AND direction = 'credit' AND purpose = 'payment' AND result_code = $4`,
    [debit.refundOf, debit.accountRef, debit.bankCode, RESULT_CODES.SUCCESS],
  );
  const credited = rows.find((row) => row.currency.trim() === debit.amount.currency);
  if (credited === undefined) return { resultCode: RESULT_CODES.DEBIT_FAILED, reason: 'the refunded payment did not credit this account' };
  if (debit.amount.minorUnits > BigInt(credited.amount_minor)) return { resultCode: RESULT_CODES.DEBIT_FAILED, reason: 'a refund above the refunded payment' };
  return null;
}
