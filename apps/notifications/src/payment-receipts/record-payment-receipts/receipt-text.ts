import { Currency, Money, MoneyDto, ResultCode } from '@kirim/contracts';

/*
 * English receipt text for now; the locale is one place (RECEIPT_LOCALE) so localized text can
 * replace it per user later. 'en-IN' gives the rupee sign and Indian digit grouping (₹1,00,000.00).
 */
const RECEIPT_LOCALE = 'en-IN';

const formatters = new Map<Currency, Intl.NumberFormat>();

function formatterFor(currency: Currency): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat(RECEIPT_LOCALE, { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/**
 * Formats a wire amount for people. The decimal string goes to Intl as a string (Node 20 formats
 * numeric strings exactly), so no float ever holds the amount: 16-digit rupee amounts stay exact.
 */
export function formatAmount(amount: MoneyDto): string {
  const money = Money.parse(amount);
  // The event was validated against the contract before it reached us; a bad amount here is a bug.
  if (Money.isError(money)) throw new Error(`receipt amount is invalid: ${money.reason}`);
  const dto = money.toDto();
  return formatterFor(dto.currency).format(dto.value as `${number}`);
}

/**
 * Why a payment failed, in words a payer understands. A Record over every result code, so a code
 * added to the contract does not compile until it has a text here.
 */
const FAILURE_REASONS: Readonly<Record<ResultCode, string>> = {
  '00': 'the bank did not confirm the payment',
  '01': 'the bank did not confirm the payment in time',
  Z9: 'insufficient balance',
  ZM: 'incorrect UPI PIN',
  Z6: 'too many incorrect UPI PIN attempts',
  Z8: 'the amount is above the per-transaction limit',
  Z7: 'the limit on the number of payments was reached',
  FL: 'the amount is above the limit for a newly registered device',
  FP: 'the total is above the limit for the first 24 hours on a new device',
  U11: 'no UPI PIN is set for your account; set one first',
  U12: 'the UPI PIN was given for a different amount',
  U14: 'the UPI PIN could not be verified; try again',
  U30: 'your bank could not debit your account',
  U31: "the payee's bank could not credit the amount",
  U67: 'your bank did not respond in time',
  U68: "the payee's bank did not respond in time",
  U69: 'the payment request expired before it was approved',
  RB: 'your bank did not confirm the return of your money in time; it is being retried',
  ZH: 'the payment address is not valid',
  XH: 'your bank account could not be found',
  XI: "the payee's bank account could not be found",
  YE: 'your bank account is frozen',
  YF: "the payee's bank account is frozen",
  XY: 'your bank is unavailable right now',
  Y1: "the payee's bank is unavailable right now",
};

const UNKNOWN_FAILURE_REASON = 'the payment could not be completed';

export function failureReason(resultCode: ResultCode | undefined): string {
  return resultCode === undefined ? UNKNOWN_FAILURE_REASON : FAILURE_REASONS[resultCode];
}
