import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { MoneyDto } from '../values/money';
import { ALL_RESULT_CODES, ResultCode } from '../values/result-codes';
import { BANK_CODE_PATTERN, RRN_PATTERN, UPI_TXN_ID_PATTERN } from '../values/identifiers';
import { ENCRYPTED_PIN_PATTERN, MAX_ENCRYPTED_PIN_LENGTH } from '../trust/upi-pin';

/**
 * Why money moves on a leg: a payment's debit and credit, a reversal (a failed payment's money going
 * back to the payer), or a merchant's refund (its own payment back to the customer: its debit of the
 * merchant's account carries no UPI PIN, the merchant authorised it with its API key at kirim; see
 * docs/merchants.md).
 */
export const LEG_PURPOSES = ['payment', 'reversal', 'refund'] as const;
export type LegPurpose = (typeof LEG_PURPOSES)[number];

/** `refundOf` names the refunded payment on a refund leg; any other leg has none. */
function OnRefundLegOnly(): PropertyDecorator {
  return ValidateBy({
    name: 'onRefundLegOnly',
    validator: {
      validate: (_value: unknown, args) => (args?.object as { purpose?: unknown } | undefined)?.purpose === 'refund',
      defaultMessage: () => 'refundOf belongs on a leg of purpose refund only',
    },
  });
}

/**
 * The fields every message about one bank leg names it by, with their validation: the leg's request
 * id, its payment, why money moves, and the bank, account and amount. The leg events below extend
 * it, and so does the reconciliation contract (service-calls/internal-contracts.ts), so a leg is
 * checked the same way wherever it travels. Not an event of its own.
 */
export class BankLegFields {
  @IsUUID()
  requestId!: string;

  @IsUUID()
  paymentId!: string;

  @IsIn(LEG_PURPOSES)
  purpose!: LegPurpose;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsUUID()
  accountRef!: string;

  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;
}

/**
 * A command to a bank: move `amount` out of (debit) or into (credit) the account the bank knows by
 * `accountRef`. The full account number never travels; `accountRef` is the bank's own handle.
 * `requestId` makes the command idempotent at the bank: the same id never moves money twice.
 */
export class BankLegRequested extends BankLegFields {
  @Matches(UPI_TXN_ID_PATTERN)
  txnId!: string;

  /**
   * The payer's UPI PIN block (trust/upi-pin.ts): a compact JWE the device made for the payer's bank,
   * which only that bank can open. On the first debit request of a payment only: credits, reversals
   * and status-check re-sends carry none, and a bank answers a re-sent debit it has applied from its
   * record, so the PIN is never sent twice. It exists nowhere else: not in payments' tables, logs or
   * other events (docs/upi-pin.md).
   */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ENCRYPTED_PIN_LENGTH)
  @Matches(ENCRYPTED_PIN_PATTERN, { message: 'encryptedPin must be a compact JWE' })
  encryptedPin?: string;

  /**
   * On a leg of purpose `refund` (and only there): the payment the refund gives money back from. The
   * merchant's bank can check that the account it debits without a PIN was credited by that payment,
   * for at least this amount.
   */
  @ValidateIf((leg: BankLegRequested) => leg.purpose === 'refund' || leg.refundOf !== undefined)
  @IsUUID(undefined, { message: 'refundOf must be the refunded payment id' })
  @OnRefundLegOnly()
  refundOf?: string;
}

/**
 * The bank's answer to a leg: `resultCode` '00' is success, anything else a decline with that code.
 * It names what it answers: the type gives the direction, and `bankCode`, `accountRef` and `amount`
 * must be those of the request, so payments can refuse an answer about anything it did not ask.
 */
export class BankLegResult extends BankLegFields {
  @IsIn(ALL_RESULT_CODES)
  resultCode!: ResultCode;

  @IsOptional()
  @Matches(RRN_PATTERN)
  rrn?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
