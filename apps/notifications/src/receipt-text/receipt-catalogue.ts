import type { ResultCode } from '@kirim/contracts';
import type { ReceiptKind, ReceiptRoleOf } from './receipt-facts';

/**
 * What a template is given: the receipt's facts already formatted for its locale and time zone,
 * and any user text already cleaned and masked (render-receipt.ts). Templates only word them.
 */
interface MessageInput {
  /** "₹1,00,000.50", "₹100.000,50", as the locale writes rupees. */
  readonly amount: string;
  /** The other party as the recipient may see them ("Priya S.", "Chai Point"); absent when unknown. */
  readonly counterparty?: string;
}

/** Every kind's input, keyed by kind: a kind without an entry here does not compile (MessageInputs[K] below). */
export interface MessageInputs {
  'payment.pending': MessageInput;
  'payment.completed': MessageInput;
  'payment.failed': MessageInput & {
    /** Why, in the locale's words (the catalogue's failureReasons). */
    readonly reason: string;
    readonly resultCode?: ResultCode;
    /** 'no' only when the payer's bank declined the debit: then nothing was taken for sure. */
    readonly moneyTaken: 'no' | 'maybe';
  };
  'payment.deemed': MessageInput & {
    /** Whose bank never answered: the payer's to the debit (U67) or the payee's to the credit (U68). */
    readonly unansweredLeg: 'debit' | 'credit';
    readonly reversalDueBy?: string;
  };
  'payment.reversed': MessageInput;
  'payment.reversal-failed': MessageInput & { readonly reversalDueBy?: string };
  'refund.completed': MessageInput & { readonly paidAmount: string; readonly coverage: 'full' | 'partial' };
  'collect.waiting': MessageInput & { readonly expiresAt: string };
  'collect.expired': MessageInput;
  'collect.declined': MessageInput;
}

export interface ReceiptMessage {
  readonly title: string;
  /** The message's sentences; the renderer adds the note, the time and the references below it. */
  readonly body: string;
}

export type ReceiptTemplate<K extends ReceiptKind> = (input: MessageInputs[K]) => ReceiptMessage;

/**
 * One language's receipts. Every locale's catalogue is declared with this type, so a kind, a role
 * or a result code missing in any language is a compile error, and so is a key no kind has.
 */
export interface ReceiptCatalogue {
  readonly messages: { readonly [K in ReceiptKind]: { readonly [R in ReceiptRoleOf<K>]: ReceiptTemplate<K> } };
  /**
   * Why a payment failed, as a phrase that follows "Reason:" (no capital, no full stop). A Record
   * over every result code of the contract: a new code does not compile until all four languages
   * have it.
   */
  readonly failureReasons: Readonly<Record<ResultCode, string>>;
  /** For a failure whose event carries no result code. */
  readonly unknownFailureReason: string;
  /** The labels of the lines under the message. */
  readonly labels: {
    readonly note: string;
    readonly transactionId: string;
    readonly upiReference: string;
    readonly paymentId: string;
    readonly merchantReference: string;
    /** A person's reference for their collect request. */
    readonly requestReference: string;
  };
}

/**
 * Ends a sentence with a full stop unless it already ends with one: a sentence that ends with a
 * masked name ("… to Priya S.") must not end "S..".
 */
export function endSentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}
