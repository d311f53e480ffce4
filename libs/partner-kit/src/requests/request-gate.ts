import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import {
  CE_HEADERS,
  decryptForBank,
  E164_PATTERN,
  EVENT_TYPES,
  FreshnessWindow,
  freshnessProblem,
  Money,
  partnerRequestsTopic,
  resolveTopic,
  SIGNATURE_HEADER,
  verifyRecordSignature,
} from '@kirim/contracts';
import type { BankDecryptionKey } from '../keys/bank-keys';
import { PARTNER_REQUEST_SIGNER, PlatformKeyring } from '../keys/platform-keyring';
import { fingerprintLeg } from '../legs/leg-fingerprint';
import { decodeRequest } from './decode-request';
import { ConsumedRecord, describePosition, LegDirection, PartnerRequest, RequestEnvelope } from './partner-request';
import { SeenRecordStore } from './seen-records';

/** The checks a request passes, in the order they run. The first that fails refuses the record. */
export const REQUEST_CHECKS = ['topic', 'signature', 'freshness', 'contract', 'replay', 'decryption'] as const;
export type RequestCheck = (typeof REQUEST_CHECKS)[number];

export type Admission =
  | { readonly kind: 'accepted'; readonly request: PartnerRequest }
  /** `ceId` is set once the record got past the replay check (it then has a claim to complete). */
  | { readonly kind: 'refused'; readonly check: RequestCheck; readonly reason: string; readonly claimedCeId?: string }
  /** Kafka delivered this record again and its outcome was already sent: nothing to do. */
  | { readonly kind: 'redelivered'; readonly ceId: string };

export const DEFAULT_FRESHNESS: FreshnessWindow = { maxAgeMs: 5 * 60_000, maxFutureSkewMs: 30_000 };

export interface RequestGateOptions {
  readonly bankCode: string;
  /** Prepended to topic names on the broker (e.g. for a test environment); stripped before signature checks. */
  readonly topicPrefix: string;
  readonly platformKeys: PlatformKeyring;
  /** The bank's private encryption keys; several while one is being rotated out. */
  readonly decryptionKeys: readonly BankDecryptionKey[];
  readonly seen: SeenRecordStore;
  readonly freshness?: FreshnessWindow;
  readonly now?: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Everything a request record must pass before the bank's code sees it: in this order, the
 * signature (by bank-connector, with a key of kirim's platform JWKS), freshness of ce_time, the
 * CloudEvent and its payload against the catalogue, replay, and decryption of the account or mobile.
 * Checking the signature first means nothing unsigned is even parsed as a request.
 */
export class RequestGate {
  private readonly requestTopic: string;
  private readonly freshness: FreshnessWindow;
  private readonly now: () => Date;

  constructor(private readonly options: RequestGateOptions) {
    this.requestTopic = partnerRequestsTopic(options.bankCode);
    this.freshness = options.freshness ?? DEFAULT_FRESHNESS;
    this.now = options.now ?? (() => new Date());
    if (options.decryptionKeys.length === 0) throw new Error('the request gate needs the bank\'s private encryption key');
  }

  /** The request topic on the broker. */
  get brokerTopic(): string {
    return this.options.topicPrefix + this.requestTopic;
  }

  async admit(record: ConsumedRecord): Promise<Admission> {
    const brokerTopic = record.position.topic;
    if (brokerTopic !== this.brokerTopic) return refuse('topic', `read from ${brokerTopic}, but this bank's requests arrive on ${this.brokerTopic}`);
    const topic = this.requestTopic;

    const signature = await this.verifySignature(topic, record);
    if (signature !== null) return refuse('signature', signature);

    const late = freshnessProblem(record.headers[CE_HEADERS.TIME], this.now(), this.freshness);
    if (late !== null) return refuse('freshness', late);

    const resolved = resolveTopic(topic);
    if (!resolved) return refuse('topic', `${topic} is not a topic of the catalogue`);
    const decoded = decodeRequest(resolved, topic, record.key, record.headers, record.value);
    if (!decoded.ok) return refuse('contract', decoded.reason);

    const keepUntil = new Date(this.now().getTime() + this.freshness.maxAgeMs + this.freshness.maxFutureSkewMs);
    const claim = await this.options.seen.claim(decoded.ceId, record.position, keepUntil);
    if (claim.kind === 'seen-elsewhere') {
      return refuse('replay', `replay: ce_id ${decoded.ceId} was already read at ${describePosition(claim.firstSeenAt)}`);
    }
    if (claim.kind === 'same-record' && claim.handled) return { kind: 'redelivered', ceId: decoded.ceId };

    const envelope: RequestEnvelope = { ceId: decoded.ceId, ceType: decoded.type, ceTime: decoded.ceTime, position: record.position, ...(decoded.traceparent ? { traceparent: decoded.traceparent } : {}) };
    const claimed = (check: RequestCheck, reason: string): Admission => ({ kind: 'refused', check, reason, claimedCeId: decoded.ceId });

    if (decoded.type === EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_REQUESTED) {
      const plain = await this.decrypt(decoded.data.mobile);
      if (!plain.ok) return claimed('decryption', `mobile: ${plain.reason}`);
      const mobile = fieldOf(plain.value, 'mobile');
      if (typeof mobile !== 'string' || !E164_PATTERN.test(mobile)) return claimed('decryption', 'mobile: the decrypted value must be {"mobile": "<E.164 number>"}');
      return { kind: 'accepted', request: { kind: 'account-lookup', lookupId: decoded.data.lookupId, bankCode: decoded.data.bankCode, mobile, envelope } };
    }

    const leg = decoded.data;
    const amount = Money.parse(leg.amount);
    if (Money.isError(amount)) return claimed('contract', `amount: ${amount.reason}`);
    if (!amount.isPositive()) return claimed('contract', 'amount must be more than zero');
    const plain = await this.decrypt(leg.account);
    if (!plain.ok) return claimed('decryption', `account: ${plain.reason}`);
    const accountRef = fieldOf(plain.value, 'accountRef');
    if (typeof accountRef !== 'string' || !UUID.test(accountRef)) return claimed('decryption', 'account: the decrypted value must be {"accountRef": "<uuid>"}');
    const direction: LegDirection = decoded.type === EVENT_TYPES.PARTNER_DEBIT_REQUESTED ? 'debit' : 'credit';
    // Only the payer's bank takes a PIN, on a debit: a credit carrying one is not a request kirim sends.
    if (direction === 'credit' && leg.encryptedPin !== undefined) return claimed('contract', 'encryptedPin: a credit carries no UPI PIN');
    const content = { direction, requestId: leg.requestId, paymentId: leg.paymentId, txnId: leg.txnId, purpose: leg.purpose, bankCode: leg.bankCode, amount, accountRef };
    return {
      kind: 'accepted',
      request: { kind: 'leg', ...content, fingerprint: fingerprintLeg(content), ...(leg.encryptedPin !== undefined ? { encryptedPin: leg.encryptedPin } : {}), envelope },
    };
  }

  /** Null when the signature holds; else the reason. Reloads the platform JWKS once (rate-limited) on failure: kirim may have rotated its key. */
  private async verifySignature(topic: string, record: ConsumedRecord): Promise<string | null> {
    const signable = { topic, key: record.key ?? '', headers: record.headers, value: record.value ?? new Uint8Array() };
    const header = record.headers[SIGNATURE_HEADER];
    const first = await verifyRecordSignature(signable, header, PARTNER_REQUEST_SIGNER, this.options.platformKeys.current());
    if (first.ok) return null;
    if (header === undefined || header === '' || !(await this.options.platformKeys.refresh())) return first.reason;
    const second = await verifyRecordSignature(signable, header, PARTNER_REQUEST_SIGNER, this.options.platformKeys.current());
    return second.ok ? null : second.reason;
  }

  private async decrypt(jwe: string): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(jwe).kid;
    } catch {
      return { ok: false, reason: 'not a readable compact JWE' };
    }
    const keys = this.options.decryptionKeys;
    const named = keys.find((key) => key.kid === kid);
    const candidates: KeyObject[] = (named ? [named, ...keys.filter((key) => key !== named)] : keys).map((key) => key.privateKey);
    for (const key of candidates) {
      try {
        return { ok: true, value: await decryptForBank(jwe, key) };
      } catch {
        // try the next key
      }
    }
    return { ok: false, reason: `cannot be decrypted with this bank's encryption key${keys.length > 1 ? 's' : ''} (${keys.map((key) => key.kid).join(', ')}): encrypted for another key, or altered` };
  }
}

function refuse(check: RequestCheck, reason: string): Admission {
  return { kind: 'refused', check, reason };
}

function fieldOf(value: unknown, field: string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== field) return undefined;
  return (value as Record<string, unknown>)[field];
}
