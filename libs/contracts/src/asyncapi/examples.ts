import { createHash, createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { CompactEncrypt, JWK } from 'jose';
import { CE_CONTENT_TYPE, CE_HEADERS, CE_SPEC_VERSION, DEAD_LETTER_HEADERS } from '../cloudevents';
import { EVENT_CATALOGUE, EVENT_TYPES, EventType, EventTypeSpec, expectedSigner, expectedSource } from '../event-types';
import { partnerPrincipal } from '../principals';
import { resolveTopic, resolveTopicAddress } from '../topics';
import { accountDigest } from '../trust/bank-encryption';
import { platformKeyId } from '../trust/message-keys';
import { PLATFORM_DECRYPTING_PRINCIPAL } from '../trust/platform-encryption';
import { recordSigningInput, SIGNATURE_HEADER, signRecord } from '../trust/record-signature';

/**
 * Worked examples for the AsyncAPI document and the partner guide: one record per event type,
 * signed and encrypted for real, so an implementer can check their own code against them.
 *
 * Everything is deterministic, so the committed document does not change from one run to the next:
 * Ed25519 signatures are deterministic by design, and the JWE's ephemeral key and IV come from
 * fixed seeds (never do that outside an example). The example keys are derived from public seeds;
 * they are published in the document and must never be trusted for anything.
 */

/** The partner bank of the examples (deploy/local/partner-banks.json has the same one). */
export const EXAMPLE_BANK_CODE = 'XMPL';
/** A sandbox bank for the examples of the internal bank topics. */
const EXAMPLE_SANDBOX_BANK_CODE = 'SBXA';
export const EXAMPLE_TIME = '2026-11-30T10:15:00.000Z';
/** The W3C Trace Context specification's own example. */
const EXAMPLE_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const SEED_PREFIX = 'kirim asyncapi example key v1: ';

function seedOf(label: string): Buffer {
  return createHash('sha256').update(`${SEED_PREFIX}${label}`).digest();
}

/** PKCS#8 DER prefixes for a raw 32-byte private key (RFC 8410). */
const PKCS8_PREFIX = { ed25519: '302e020100300506032b657004220420', x25519: '302e020100300506032b656e04220420' } as const;

function privateKeyFromSeed(kind: keyof typeof PKCS8_PREFIX, label: string): KeyObject {
  return createPrivateKey({ key: Buffer.concat([Buffer.from(PKCS8_PREFIX[kind], 'hex'), seedOf(label)]), format: 'der', type: 'pkcs8' });
}

function publicJwkOf(privateKey: KeyObject, extra: { kid: string; alg: string; use: 'sig' | 'enc' }): JWK {
  const { kty, crv, x } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (kty === undefined) throw new Error('the exported public key has no kty');
  return { kty, crv, x, ...extra };
}

/** A deterministic UUID-shaped id (version 4 layout) for example values. */
function exampleUuid(label: string): string {
  const hex = createHash('sha256').update(`kirim example id: ${label}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface ExampleSigner {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

function exampleSigner(principal: string): ExampleSigner {
  const kid = principal.startsWith('partner-') ? `${principal.slice('partner-'.length)}-sig-example` : platformKeyId(principal, 'example');
  return { kid, privateKey: privateKeyFromSeed('ed25519', `sig ${principal}`) };
}

const EXAMPLE_BANK_ENCRYPTION_KID = `${EXAMPLE_BANK_CODE.toLowerCase()}-enc-example`;

/** The example bank's private decryption key, so tests can open the example JWEs. Example only. */
export function exampleBankEncryptionKey(): KeyObject {
  return privateKeyFromSeed('x25519', `enc ${partnerPrincipal(EXAMPLE_BANK_CODE)}`);
}

/** kirim's example encryption key (bank-connector's): what a bank encrypts holder names for. */
const EXAMPLE_PLATFORM_ENCRYPTION_KID = platformKeyId(PLATFORM_DECRYPTING_PRINCIPAL, 'enc-example');

/** kirim's example private decryption key, so tests can open the example holder names. Example only. */
export function examplePlatformEncryptionKey(): KeyObject {
  return privateKeyFromSeed('x25519', `enc ${PLATFORM_DECRYPTING_PRINCIPAL}`);
}

/** The public halves of the example keys, as the JWKS each party would publish. */
export function exampleJwks(): { readonly platform: { keys: JWK[] }; readonly partner: { keys: JWK[] } } {
  const platform = ['payments', 'bank-connector'].map((principal) => {
    const signer = exampleSigner(principal);
    return publicJwkOf(signer.privateKey, { kid: signer.kid, alg: 'EdDSA', use: 'sig' });
  });
  platform.push(publicJwkOf(examplePlatformEncryptionKey(), { kid: EXAMPLE_PLATFORM_ENCRYPTION_KID, alg: 'ECDH-ES', use: 'enc' }));
  const bankSigner = exampleSigner(partnerPrincipal(EXAMPLE_BANK_CODE));
  return {
    platform: { keys: platform },
    partner: {
      keys: [
        publicJwkOf(bankSigner.privateKey, { kid: bankSigner.kid, alg: 'EdDSA', use: 'sig' }),
        publicJwkOf(exampleBankEncryptionKey(), { kid: EXAMPLE_BANK_ENCRYPTION_KID, alg: 'ECDH-ES', use: 'enc' }),
      ],
    },
  };
}

/**
 * A real compact JWE of `plaintext` with a fixed ephemeral key and IV: for the example bank, or with
 * `forKirim` for kirim's example encryption key (what the bank sends back).
 */
async function exampleJwe(plaintext: object, label: string, forKirim = false): Promise<string> {
  const recipient = createPublicKey(forKirim ? examplePlatformEncryptionKey() : exampleBankEncryptionKey());
  const iv = createHash('sha256').update(`kirim example iv: ${label}`).digest().subarray(0, 12);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(plaintext)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: forKirim ? EXAMPLE_PLATFORM_ENCRYPTION_KID : EXAMPLE_BANK_ENCRYPTION_KID, cty: 'json' })
    .setKeyManagementParameters({ epk: privateKeyFromSeed('x25519', `epk ${label}`) })
    .setInitializationVector(iv)
    .encrypt(recipient);
}

const ID = {
  payer: exampleUuid('payer'),
  payee: exampleUuid('payee'),
  payment: exampleUuid('payment'),
  debitRequest: exampleUuid('debit request'),
  creditRequest: exampleUuid('credit request'),
  lookup: exampleUuid('lookup'),
  payerAccount: exampleUuid('payer account'),
  payeeAccount: exampleUuid('payee account'),
  linkedAccount: exampleUuid('linked account'),
  notification: exampleUuid('notification'),
  merchant: exampleUuid('merchant'),
  collectRequest: exampleUuid('collect request'),
};
const TXN_ID = `KRM${createHash('sha256').update('kirim example txn').digest('hex').toUpperCase().slice(0, 32)}`;
const RRN = '633412345678';
const AMOUNT = { value: '500.00', currency: 'INR' };

/** A valid payload of each event type; the examples and the schema tests use them. */
export async function examplePayload(type: EventType): Promise<Record<string, unknown>> {
  const T = EVENT_TYPES;
  const leg = (requestId: string, accountRef: string) => ({ requestId, paymentId: ID.payment, txnId: TXN_ID, purpose: 'payment', bankCode: EXAMPLE_SANDBOX_BANK_CODE, accountRef, amount: { ...AMOUNT } });
  // An answer names what it answers; it does not repeat the txnId.
  const legResult = (requestId: string, accountRef: string, outcome: Record<string, string>) => {
    const { txnId: _txnId, ...answered } = leg(requestId, accountRef);
    return { ...answered, ...outcome };
  };
  const lifecycle = (status: string, outcome: Record<string, string>) => ({
    paymentId: ID.payment,
    txnId: TXN_ID,
    payerUserId: ID.payer,
    payeeUserId: ID.payee,
    amount: { ...AMOUNT },
    status,
    ...outcome,
    occurredAt: EXAMPLE_TIME,
  });
  const collect = (status: string) => ({
    collectRequestId: ID.collectRequest,
    payerUserId: ID.payer,
    merchantId: ID.merchant,
    reference: 'COL-2026-0042',
    amount: { ...AMOUNT },
    status,
    expiresAt: '2026-11-30T10:45:00.000Z',
    occurredAt: EXAMPLE_TIME,
  });
  const partnerRequest = async (requestId: string, accountRef: string) => ({
    requestId,
    paymentId: ID.payment,
    txnId: TXN_ID,
    purpose: 'payment',
    bankCode: EXAMPLE_BANK_CODE,
    amount: { ...AMOUNT },
    account: await exampleJwe({ accountRef }, requestId),
  });
  const partnerAnswer = (requestId: string, accountRef: string, outcome: Record<string, string>) => ({
    requestId,
    paymentId: ID.payment,
    purpose: 'payment',
    bankCode: EXAMPLE_BANK_CODE,
    amount: { ...AMOUNT },
    accountDigest: accountDigest(requestId, accountRef),
    ...outcome,
  });
  switch (type) {
    case T.USER_REGISTERED:
      return { userId: ID.payer, registeredAt: EXAMPLE_TIME };
    case T.BANK_ACCOUNT_LINKED:
      return { userId: ID.payer, linkedAccountId: ID.linkedAccount, bankCode: EXAMPLE_SANDBOX_BANK_CODE, maskedAccountNumber: 'XXXXXXXX1234', linkedAt: EXAMPLE_TIME };
    case T.USER_PREFERENCES_CHANGED:
      return { userId: ID.payer, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: EXAMPLE_TIME };
    case T.BANK_DEBIT_REQUESTED:
      return leg(ID.debitRequest, ID.payerAccount);
    case T.BANK_CREDIT_REQUESTED:
      return leg(ID.creditRequest, ID.payeeAccount);
    case T.BANK_DEBIT_SUCCEEDED:
      return legResult(ID.debitRequest, ID.payerAccount, { resultCode: '00', rrn: RRN });
    case T.BANK_DEBIT_DECLINED:
      return legResult(ID.debitRequest, ID.payerAccount, { resultCode: 'Z9', reason: 'insufficient funds' });
    case T.BANK_CREDIT_SUCCEEDED:
      return legResult(ID.creditRequest, ID.payeeAccount, { resultCode: '00', rrn: RRN });
    case T.BANK_CREDIT_DECLINED:
      return legResult(ID.creditRequest, ID.payeeAccount, { resultCode: 'XI', reason: 'beneficiary account not found' });
    case T.PAYMENT_INITIATED:
      return lifecycle('debit_pending', {});
    case T.PAYMENT_COMPLETED:
      return lifecycle('completed', { resultCode: '00', rrn: RRN });
    case T.PAYMENT_FAILED:
      return lifecycle('debit_failed', { resultCode: 'Z9' });
    case T.PAYMENT_REVERSED:
      return lifecycle('reversed', { resultCode: 'U31', rrn: RRN });
    case T.USER_APP_PRESENCE_CHANGED:
      return { userId: ID.payer, hasApp: false, changedAt: EXAMPLE_TIME };
    case T.COLLECT_REQUEST_CREATED:
      return { ...collect('pending'), note: 'Table 4' };
    case T.COLLECT_REQUEST_DECLINED:
      return collect('declined');
    case T.COLLECT_REQUEST_EXPIRED:
      return { ...collect('expired'), resultCode: 'U69' };
    case T.MERCHANT_ONBOARDED:
      return { merchantId: ID.merchant, ownerUserId: ID.payee, displayName: 'Chai Point', onboardedAt: EXAMPLE_TIME };
    case T.NOTIFICATION_RECORDED:
      return { notificationId: ID.notification, userId: ID.payer, kind: 'payment.sent', paymentId: ID.payment, recordedAt: EXAMPLE_TIME };
    case T.PARTNER_DEBIT_REQUESTED:
      return partnerRequest(ID.debitRequest, ID.payerAccount);
    case T.PARTNER_CREDIT_REQUESTED:
      return partnerRequest(ID.creditRequest, ID.payeeAccount);
    case T.PARTNER_ACCOUNT_LOOKUP_REQUESTED:
      return { lookupId: ID.lookup, bankCode: EXAMPLE_BANK_CODE, mobile: await exampleJwe({ mobile: '+919812345678' }, ID.lookup) };
    case T.PARTNER_DEBIT_SUCCEEDED:
      return partnerAnswer(ID.debitRequest, ID.payerAccount, { resultCode: '00', rrn: RRN });
    case T.PARTNER_DEBIT_DECLINED:
      return partnerAnswer(ID.debitRequest, ID.payerAccount, { resultCode: 'Z9', reason: 'insufficient funds' });
    case T.PARTNER_CREDIT_SUCCEEDED:
      return partnerAnswer(ID.creditRequest, ID.payeeAccount, { resultCode: '00', rrn: RRN });
    case T.PARTNER_CREDIT_DECLINED:
      return partnerAnswer(ID.creditRequest, ID.payeeAccount, { resultCode: 'XI', reason: 'account closed' });
    case T.PARTNER_ACCOUNT_LOOKUP_ANSWERED:
      return {
        lookupId: ID.lookup,
        bankCode: EXAMPLE_BANK_CODE,
        accounts: [{ accountRef: ID.payerAccount, maskedAccountNumber: 'XXXXXXXX1234', encryptedHolderName: await exampleJwe({ holderName: 'Asha Rao' }, `${ID.lookup} holder name`, true) }],
      };
  }
}

/** One example Kafka record: the concrete topic, key, headers and value as the broker carries them. */
export interface ExampleRecord {
  readonly topic: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly payload: Record<string, unknown>;
  /** The record value's exact bytes (UTF-8): the payload as compact JSON, keys in the order shown. */
  readonly value: string;
  /** The signing input (record-signature.ts) when the topic is signed. */
  readonly signingInput?: string;
}

/** The concrete topic of an example record of `spec`: partner topics are the example bank's. */
export function exampleTopicOf(spec: EventTypeSpec): string {
  return resolveTopicAddress(spec.topic, EXAMPLE_BANK_CODE);
}

export async function exampleRecord(type: EventType): Promise<ExampleRecord> {
  const spec = EVENT_CATALOGUE[type];
  const topic = exampleTopicOf(spec);
  const resolved = resolveTopic(topic);
  if (!resolved) throw new Error(`example topic ${topic} is not in the catalogue`);
  const payload = await examplePayload(type);
  const key = payload[spec.keyField];
  if (typeof key !== 'string') throw new Error(`example of ${type} has no ${spec.keyField}`);
  const value = JSON.stringify(payload);
  const headers: Record<string, string> = {
    [CE_HEADERS.SPEC_VERSION]: CE_SPEC_VERSION,
    [CE_HEADERS.ID]: exampleUuid(`ce_id ${type}`),
    [CE_HEADERS.SOURCE]: expectedSource(spec, resolved),
    [CE_HEADERS.TYPE]: type,
    [CE_HEADERS.TIME]: EXAMPLE_TIME,
    [CE_HEADERS.CONTENT_TYPE]: CE_CONTENT_TYPE,
    [CE_HEADERS.TRACEPARENT]: EXAMPLE_TRACEPARENT,
  };
  const signer = expectedSigner(spec, resolved);
  if (signer === null) return { topic, key, headers, payload, value };
  const record = { topic, key, headers, value: new TextEncoder().encode(value) };
  const { kid, privateKey } = exampleSigner(signer);
  headers[SIGNATURE_HEADER] = await signRecord(record, { kid, alg: 'EdDSA', privateKey });
  return { topic, key, headers, payload, value, signingInput: new TextDecoder().decode(recordSigningInput(record)) };
}

/** A record a partner bank refused and dead-lettered: the original untouched, plus the kirim_dlq_* headers. */
export function exampleDeadLetterHeaders(original: ExampleRecord, consumerGroup: string, reason: string): Record<string, string> {
  return {
    ...original.headers,
    [DEAD_LETTER_HEADERS.REASON]: reason,
    [DEAD_LETTER_HEADERS.ORIGINAL_TOPIC]: original.topic,
    [DEAD_LETTER_HEADERS.ORIGINAL_PARTITION]: '3',
    [DEAD_LETTER_HEADERS.ORIGINAL_OFFSET]: '1042',
    [DEAD_LETTER_HEADERS.CONSUMER_GROUP]: consumerGroup,
    [DEAD_LETTER_HEADERS.ATTEMPTS]: '1',
  };
}
