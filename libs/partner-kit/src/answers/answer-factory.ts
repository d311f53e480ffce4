import { randomUUID } from 'node:crypto';
import {
  accountDigest,
  BankEncryptionKey,
  CE_CONTENT_TYPE,
  CE_HEADERS,
  CE_SPEC_VERSION,
  EVENT_TYPES,
  encryptHolderName,
  EventType,
  HOLDER_NAME_MAX_LENGTH,
  isContractHolderName,
  MAX_LOOKUP_ACCOUNTS,
  PartnerAccountLookupAnswered,
  PartnerLegAnswered,
  partnerResponsesTopic,
  partnerSource,
  RecordSigningKey,
  RESULT_CODES,
  RRN_PATTERN,
  SIGNATURE_HEADER,
  signRecord,
  validatePayload,
} from '@kirim/contracts';
import type { LegDecision, PartnerAccount } from '../legs/partner-bank.port';
import type { AccountLookupRequest, LegRequest } from '../requests/partner-request';

/** The contract's bound on a decline reason; a longer one is cut rather than refused. */
const MAX_REASON_LENGTH = 200;

/** A record ready for the producer: the topic as named on the broker, text key, value and headers. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The bank's code produced an answer the contract refuses: a bug to fix, not a record to send. */
export class AnswerContractError extends Error {}

export interface AnswerFactoryOptions {
  readonly bankCode: string;
  readonly topicPrefix: string;
  /** The bank's signing key; its kid is the one in the bank's JWKS. */
  readonly signingKey: RecordSigningKey;
  /**
   * kirim's current encryption key (PlatformKeyring.encryptionKey, from the platform JWKS): holder
   * names are encrypted for it. A function, so a reloaded JWKS takes effect on the next answer.
   */
  readonly kirimEncryptionKey: () => BankEncryptionKey;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/**
 * Builds the bank's answers: type by direction and outcome, ce_source `/partners/<code>`, a new
 * ce_id each time (a repeated answer is a new record with the same content), record key paymentId
 * (lookupId for lookups), and a payload that names what it answers — amount, requestId and
 * accountDigest(requestId, accountRef) — so kirim can check it against what it asked. Holder names in
 * lookup answers are encrypted for kirim's key. Signed last.
 */
export class AnswerFactory {
  private readonly topic: string;
  private readonly source: string;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly options: AnswerFactoryOptions) {
    this.topic = partnerResponsesTopic(options.bankCode);
    this.source = partnerSource(options.bankCode);
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  async legAnswer(leg: LegRequest, decision: LegDecision): Promise<OutgoingRecord> {
    const succeeded = decision.outcome === 'succeeded';
    if (succeeded && !RRN_PATTERN.test(decision.rrn)) throw new AnswerContractError('a successful leg needs a 12-digit rrn');
    const type: EventType =
      leg.direction === 'debit'
        ? succeeded
          ? EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED
          : EVENT_TYPES.PARTNER_DEBIT_DECLINED
        : succeeded
          ? EVENT_TYPES.PARTNER_CREDIT_SUCCEEDED
          : EVENT_TYPES.PARTNER_CREDIT_DECLINED;
    const payload = {
      requestId: leg.requestId,
      paymentId: leg.paymentId,
      purpose: leg.purpose,
      bankCode: leg.bankCode,
      amount: leg.amount.toDto(),
      accountDigest: accountDigest(leg.requestId, leg.accountRef),
      ...(succeeded ? { resultCode: RESULT_CODES.SUCCESS, rrn: decision.rrn } : { resultCode: decision.resultCode, ...(decision.reason ? { reason: decision.reason.slice(0, MAX_REASON_LENGTH) } : {}) }),
    };
    const checked = validatePayload(PartnerLegAnswered, payload);
    if (!checked.ok) throw new AnswerContractError(`the answer to requestId ${leg.requestId} breaks the contract: ${checked.errors.join('; ')}`);
    return this.signed(type, leg.paymentId, { ...payload, amount: { value: payload.amount.value, currency: payload.amount.currency } }, leg.envelope.traceparent);
  }

  async lookupAnswer(lookup: AccountLookupRequest, accounts: readonly PartnerAccount[]): Promise<OutgoingRecord> {
    if (accounts.length > MAX_LOOKUP_ACCOUNTS) throw new AnswerContractError(`a lookup answer lists at most ${MAX_LOOKUP_ACCOUNTS} accounts`);
    // The contract sees only the JWE, so the name is checked here, before it is sealed.
    if (accounts.some((account) => !isContractHolderName(account.holderName))) {
      throw new AnswerContractError(`the answer to lookup ${lookup.lookupId} breaks the contract: a holder name must be 1 to ${HOLDER_NAME_MAX_LENGTH} characters of a name`);
    }
    const kirimKey = this.options.kirimEncryptionKey();
    const payload = {
      lookupId: lookup.lookupId,
      bankCode: lookup.bankCode,
      // The holder's name leaves the bank only encrypted for kirim (docs/partner-onboarding.md).
      accounts: await Promise.all(
        accounts.map(async (account) => ({ accountRef: account.accountRef, maskedAccountNumber: account.maskedAccountNumber, encryptedHolderName: await encryptHolderName(account.holderName, kirimKey) })),
      ),
    };
    const checked = validatePayload(PartnerAccountLookupAnswered, payload);
    if (!checked.ok) throw new AnswerContractError(`the answer to lookup ${lookup.lookupId} breaks the contract: ${checked.errors.join('; ')}`);
    return this.signed(EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_ANSWERED, lookup.lookupId, payload, lookup.envelope.traceparent);
  }

  private async signed(type: EventType, key: string, payload: object, traceparent: string | undefined): Promise<OutgoingRecord> {
    const headers: Record<string, string> = {
      [CE_HEADERS.SPEC_VERSION]: CE_SPEC_VERSION,
      [CE_HEADERS.ID]: this.newId(),
      [CE_HEADERS.SOURCE]: this.source,
      [CE_HEADERS.TYPE]: type,
      [CE_HEADERS.TIME]: this.now().toISOString(),
      [CE_HEADERS.CONTENT_TYPE]: CE_CONTENT_TYPE,
      ...(traceparent ? { [CE_HEADERS.TRACEPARENT]: traceparent } : {}),
    };
    const value = JSON.stringify(payload);
    const signature = await signRecord({ topic: this.topic, key, headers, value: new TextEncoder().encode(value) }, this.options.signingKey);
    return { topic: this.options.topicPrefix + this.topic, key, value, headers: { ...headers, [SIGNATURE_HEADER]: signature } };
  }
}
