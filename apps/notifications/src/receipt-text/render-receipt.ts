import { Money, MoneyDto, RESULT_CODES, ResultCode } from '@kirim/contracts';
import { EN_IN } from './catalogues/en-in.catalogue';
import { HI_IN } from './catalogues/hi-in.catalogue';
import { ID_ID } from './catalogues/id-id.catalogue';
import { PT_BR } from './catalogues/pt-br.catalogue';
import type { MessageInputs, ReceiptCatalogue, ReceiptMessage } from './receipt-catalogue';
import { RECEIPT_ROLES_BY_KIND, ReceiptCounterparty, ReceiptFacts, ReceiptFactsOf, ReceiptInstant, ReceiptRole } from './receipt-facts';
import { DEFAULT_RECEIPT_LOCALE, ReceiptLocale, resolveReceiptLocale, resolveReceiptTimeZone } from './receipt-locale';
import { cleanUserText, limitGraphemes, maskDisplayName } from './user-text';

export const RECEIPT_CATALOGUES: Readonly<Record<ReceiptLocale, ReceiptCatalogue>> = {
  'en-IN': EN_IN,
  'hi-IN': HI_IN,
  'id-ID': ID_ID,
  'pt-BR': PT_BR,
};

/** Who reads the receipt: their language preference and their time zone, as stored for them (either may be missing or unusable). */
export interface ReceiptAudience {
  /** A BCP 47 tag, or several best first; en-IN when absent or when none is one of ours. */
  readonly locale?: string | readonly string[] | null;
  /** An IANA time zone; Asia/Kolkata when absent or unknown. */
  readonly timeZone?: string | null;
}

/** A receipt as plain text (no markup): what a chat message, an SMS or the inbox shows. */
export interface RenderedReceipt {
  /** The locale it was written in, after fallback: store it with the text. */
  readonly locale: ReceiptLocale;
  readonly title: string;
  /** The message, then (after a blank line) when it happened and the references, one per line. */
  readonly body: string;
}

/** A merchant's display name or note is cut here; the contract allows 100 and 50 characters. */
const MAX_MERCHANT_NAME_GRAPHEMES = 100;
const MAX_NOTE_GRAPHEMES = 100;

/**
 * Writes one receipt for one recipient in their language. Pure: no clock, no I/O; the same facts
 * and audience always give the same text. Every receipt ends with when it happened (in the
 * recipient's time zone) and its references: the UPI transaction id whenever there is a payment,
 * the UPI reference number once the bank gave one, kirim's payment id and the merchant's reference.
 *
 * Throws only on facts that break the contract (an amount that is not a decimal string of a
 * supported currency, a time that is not an instant): the event was validated before it got here,
 * so those are bugs. What users or clients sent (language, time zone, names, notes) never throws.
 */
export function renderReceipt(receipt: ReceiptFacts, audience: ReceiptAudience = {}): RenderedReceipt {
  // The types allow only a role the kind is written for; this catches a caller that cast its way past them.
  if (!(RECEIPT_ROLES_BY_KIND[receipt.kind] as readonly ReceiptRole[]).includes(receipt.role)) {
    throw new Error(`no ${receipt.kind} receipt is written for the ${receipt.role}`);
  }
  const locale = resolveReceiptLocale(audience.locale);
  const timeZone = resolveReceiptTimeZone(audience.timeZone);
  const catalogue = RECEIPT_CATALOGUES[locale];
  const message = messageFor(receipt, catalogue, locale, timeZone);

  const lines = [message.body];
  const note = 'note' in receipt && receipt.note !== undefined ? limitGraphemes(cleanUserText(receipt.note), MAX_NOTE_GRAPHEMES) : '';
  if (note !== '') lines.push(`${catalogue.labels.note}: “${note}”`);
  lines.push('', formatReceiptInstant(receipt.occurredAt, locale, timeZone), ...referenceLines(receipt, catalogue));
  return { locale, title: message.title, body: lines.join('\n') };
}

/**
 * One switch over the kinds, so each kind's template gets its own input type. The lint rule
 * `switch-exhaustiveness-check` makes a new kind without a case fail the build.
 */
function messageFor(receipt: ReceiptFacts, catalogue: ReceiptCatalogue, locale: ReceiptLocale, timeZone: string): ReceiptMessage {
  const { messages } = catalogue;
  const input = { amount: formatReceiptAmount(receipt.amount, locale), counterparty: counterpartyName(receipt.counterparty) };
  const deadline = (value: ReceiptInstant | undefined): string | undefined =>
    value === undefined ? undefined : formatReceiptInstant(minuteBefore(value), locale, timeZone);
  switch (receipt.kind) {
    case 'payment.pending':
      return messages[receipt.kind][receipt.role](input);
    case 'payment.completed':
      return messages[receipt.kind][receipt.role](input);
    case 'payment.failed':
      return messages[receipt.kind][receipt.role]({
        ...input,
        reason: failureReasonIn(catalogue, receipt.resultCode),
        resultCode: receipt.resultCode,
        moneyTaken: moneyTakenAfterFailure(receipt),
      });
    case 'payment.deemed':
      return messages[receipt.kind][receipt.role]({
        ...input,
        unansweredLeg: receipt.resultCode === RESULT_CODES.DEBIT_TIMEOUT ? 'debit' : 'credit',
        reversalDueBy: deadline(receipt.reversalDueBy),
      });
    case 'payment.reversed':
      return messages[receipt.kind][receipt.role](input);
    case 'payment.reversal-failed':
      return messages[receipt.kind][receipt.role]({ ...input, reversalDueBy: deadline(receipt.reversalDueBy) });
    case 'refund.completed':
      return messages[receipt.kind][receipt.role]({
        ...input,
        paidAmount: formatReceiptAmount(receipt.paidAmount, locale),
        coverage: refundCoverage(receipt.amount, receipt.paidAmount),
      });
    case 'collect.waiting':
      return messages[receipt.kind][receipt.role]({ ...input, expiresAt: formatReceiptInstant(receipt.expiresAt, locale, timeZone) });
    case 'collect.expired':
      return messages[receipt.kind][receipt.role](input);
    case 'collect.declined':
      return messages[receipt.kind][receipt.role](input);
  }
}

/**
 * A deadline as payments keeps it is the instant the next day begins (`reversalDueBy`, RBI's T+1,
 * docs/payment-lifecycle.md). Shown as it is, it reads "30 Nov, 12:00 am", which many take for the
 * end of 30 Nov; the minute before ("29 Nov, 11:59 pm") cannot be misread, and promises no more.
 */
function minuteBefore(instant: ReceiptInstant): Date {
  return new Date(instantOf(instant).getTime() - 60_000);
}

function referenceLines(receipt: ReceiptFacts, catalogue: ReceiptCatalogue): string[] {
  const { labels } = catalogue;
  const line = (label: string, value: string | undefined): string[] => {
    const clean = value === undefined ? '' : cleanUserText(value);
    return clean === '' ? [] : [`${label}: ${clean}`];
  };
  return [
    ...line(labels.transactionId, receipt.txnId),
    ...line(labels.upiReference, receipt.rrn),
    ...line(labels.paymentId, receipt.paymentId),
    ...line(labels.merchantReference, receipt.merchantReference),
    ...line(labels.requestReference, receipt.requestReference),
  ];
}

function counterpartyName(counterparty: ReceiptCounterparty | undefined): string | undefined {
  if (counterparty === undefined) return undefined;
  if (counterparty.type === 'person') return maskDisplayName(counterparty.displayName);
  const name = limitGraphemes(cleanUserText(counterparty.displayName), MAX_MERCHANT_NAME_GRAPHEMES);
  return name === '' ? undefined : name;
}

/**
 * A payer's first worry after a failure is their money. Only a debit their bank declined is sure to
 * have taken nothing; a debit deemed failed because the bank never answered (U67) may still have
 * been made, and is then reversed when the bank's late answer comes (docs/payment-lifecycle.md), as
 * is any failure after the debit (RBI's turnaround-time rules).
 */
function moneyTakenAfterFailure(receipt: ReceiptFactsOf<'payment.failed'>): MessageInputs['payment.failed']['moneyTaken'] {
  return receipt.status === 'debit_failed' && receipt.resultCode !== RESULT_CODES.DEBIT_TIMEOUT ? 'no' : 'maybe';
}

function refundCoverage(refund: MoneyDto, paid: MoneyDto): MessageInputs['refund.completed']['coverage'] {
  const refunded = parseAmount(refund);
  const payment = parseAmount(paid);
  return refunded.currency === payment.currency && refunded.minorUnits === payment.minorUnits ? 'full' : 'partial';
}

/** Why a payment failed, in the locale's words; the general reason when the event has no code. */
export function receiptFailureReason(resultCode: ResultCode | undefined, locale: ReceiptLocale = DEFAULT_RECEIPT_LOCALE): string {
  return failureReasonIn(RECEIPT_CATALOGUES[locale], resultCode);
}

function failureReasonIn(catalogue: ReceiptCatalogue, resultCode: ResultCode | undefined): string {
  return resultCode === undefined ? catalogue.unknownFailureReason : catalogue.failureReasons[resultCode];
}

const amountFormatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount as the locale writes money: "₹1,00,000.50" (en-IN, hi-IN: Indian digit grouping and,
 * by default, Latin digits), "₹100.000,50" (id-ID), "₹ 100.000,50" (pt-BR). The decimal string
 * goes to Intl as a string (Node 20 formats numeric strings exactly), so no float ever holds the
 * amount: 16-digit rupee amounts stay exact.
 *
 * `currencyDisplay: 'narrowSymbol'`: the rupee sign in every language. Indonesian's own symbol for
 * the rupee is "Rs", one letter from "Rp", the rupiah, a currency worth far less; a receipt must
 * not be misread that way. The other locales already write "₹".
 */
export function formatReceiptAmount(amount: MoneyDto, locale: ReceiptLocale = DEFAULT_RECEIPT_LOCALE): string {
  const dto = parseAmount(amount).toDto();
  const key = `${locale}|${dto.currency}`;
  let formatter = amountFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: dto.currency, currencyDisplay: 'narrowSymbol' });
    amountFormatters.set(key, formatter);
  }
  return formatter.format(dto.value as `${number}`);
}

function parseAmount(amount: MoneyDto): Money {
  const money = Money.parse(amount);
  // The event was validated against the contract before it reached us; a bad amount here is a bug.
  if (Money.isError(money)) throw new Error(`receipt amount is invalid: ${money.reason}`);
  return money;
}

const instantFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as the locale writes a date and time, in the reader's time zone and naming it
 * ("28 Nov 2025, 3:30 pm IST", "28 Nov 2025, 17.00 WIB"): a receipt read abroad, or quoted to a
 * bank in India, must not leave the reader guessing which clock it means. An unknown zone is
 * Asia/Kolkata (resolveReceiptTimeZone).
 */
export function formatReceiptInstant(instant: ReceiptInstant, locale: ReceiptLocale = DEFAULT_RECEIPT_LOCALE, timeZone?: string): string {
  const date = instantOf(instant);
  const zone = resolveReceiptTimeZone(timeZone);
  const key = `${locale}|${zone}`;
  let formatter = instantFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    instantFormatters.set(key, formatter);
  }
  return formatter.format(date);
}

function instantOf(instant: ReceiptInstant): Date {
  const date = instant instanceof Date ? instant : new Date(instant);
  // Events carry ISO 8601 instants, validated against the contract: anything else here is a bug.
  if (Number.isNaN(date.getTime())) throw new Error('receipt time is not a valid instant');
  return date;
}
