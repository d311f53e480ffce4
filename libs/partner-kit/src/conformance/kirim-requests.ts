import { randomBytes, randomUUID } from 'node:crypto';
import {
  BankEncryptionKey,
  CE_CONTENT_TYPE,
  CE_HEADERS,
  CE_SPEC_VERSION,
  encryptForBank,
  encryptPinBlock,
  EVENT_SOURCES,
  EVENT_TYPES,
  LegPurpose,
  partnerRequestsTopic,
  PinBlock,
  RecordSigningKey,
  SIGNATURE_HEADER,
  signRecord,
} from '@kirim/contracts';
import type { OutgoingRecord } from '../answers/answer-factory';
import type { LegDirection } from '../requests/partner-request';

/** What a leg request says, in kirim's terms (the amount as its wire decimal string). */
export interface LegRequestContent {
  readonly direction: LegDirection;
  readonly requestId: string;
  readonly paymentId: string;
  readonly txnId: string;
  readonly purpose: LegPurpose;
  readonly amount: string;
  readonly accountRef: string;
  /** On a debit: the payer's UPI PIN block, encrypted for the bank's key (see KirimRequestFactory.pinBlock). */
  readonly encryptedPin?: string;
}

/** How a conformance request departs from a proper one, to check that the bank refuses it. */
export interface Tampering {
  /** No kirim_signature header at all. */
  readonly unsigned?: boolean;
  /** Signed with this key instead of kirim's (one the bank does not trust). */
  readonly signWith?: RecordSigningKey;
  /** ce_time to put on the record (e.g. older than the bank's freshness window). */
  readonly ceTime?: Date;
  /** Applied to the value after signing: the signature no longer covers what is sent. */
  readonly alterAfterSigning?: (value: string) => string;
}

/** A UPI-style transaction id: 35 capital alphanumerics, starting with a 3-character PSP prefix. */
export function conformanceTxnId(): string {
  return `KRM${randomBytes(16).toString('hex').toUpperCase()}`;
}

/**
 * Builds requests exactly as kirim's bank-connector sends them: CloudEvents binary mode, ce_source
 * `/kirim/bank-connector`, the account or mobile encrypted for the bank's key, signed with kirim's key.
 */
export class KirimRequestFactory {
  private readonly topic: string;

  constructor(
    private readonly options: {
      readonly bankCode: string;
      readonly topicPrefix: string;
      readonly signingKey: RecordSigningKey;
      readonly bankEncryptionKey: BankEncryptionKey;
      readonly now?: () => Date;
    },
  ) {
    this.topic = partnerRequestsTopic(options.bankCode);
  }

  async leg(content: LegRequestContent, tampering: Tampering = {}): Promise<OutgoingRecord> {
    const data = {
      requestId: content.requestId,
      paymentId: content.paymentId,
      txnId: content.txnId,
      purpose: content.purpose,
      bankCode: this.options.bankCode,
      amount: { value: content.amount, currency: 'INR' },
      account: await encryptForBank({ accountRef: content.accountRef }, this.options.bankEncryptionKey),
      ...(content.encryptedPin !== undefined ? { encryptedPin: content.encryptedPin } : {}),
    };
    const type = content.direction === 'debit' ? EVENT_TYPES.PARTNER_DEBIT_REQUESTED : EVENT_TYPES.PARTNER_CREDIT_REQUESTED;
    return this.record(type, content.paymentId, data, tampering);
  }

  /**
   * A PIN block as the payer's device makes it (docs/upi-pin.md): encrypted for the bank's key, the
   * one kirim publishes as the bank's PIN key. kirim never makes one; the conformance test plays the device.
   */
  pinBlock(block: PinBlock): Promise<string> {
    return encryptPinBlock(block, this.options.bankEncryptionKey);
  }

  async lookup(lookupId: string, mobile: string, tampering: Tampering = {}): Promise<OutgoingRecord> {
    const data = { lookupId, bankCode: this.options.bankCode, mobile: await encryptForBank({ mobile }, this.options.bankEncryptionKey) };
    return this.record(EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_REQUESTED, lookupId, data, tampering);
  }

  private async record(type: string, key: string, data: object, tampering: Tampering): Promise<OutgoingRecord> {
    const now = this.options.now ?? (() => new Date());
    const headers: Record<string, string> = {
      [CE_HEADERS.SPEC_VERSION]: CE_SPEC_VERSION,
      [CE_HEADERS.ID]: randomUUID(),
      [CE_HEADERS.SOURCE]: EVENT_SOURCES.BANK_CONNECTOR,
      [CE_HEADERS.TYPE]: type,
      [CE_HEADERS.TIME]: (tampering.ceTime ?? now()).toISOString(),
      [CE_HEADERS.CONTENT_TYPE]: CE_CONTENT_TYPE,
    };
    const value = JSON.stringify(data);
    const topic = this.options.topicPrefix + this.topic;
    if (tampering.unsigned) return { topic, key, value, headers };
    const signature = await signRecord({ topic: this.topic, key, headers, value: new TextEncoder().encode(value) }, tampering.signWith ?? this.options.signingKey);
    const sent = tampering.alterAfterSigning ? tampering.alterAfterSigning(value) : value;
    return { topic, key, value: sent, headers: { ...headers, [SIGNATURE_HEADER]: signature } };
  }
}
