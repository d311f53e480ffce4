import { createHash, KeyObject, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyLike } from 'jose';
import { CE_HEADERS } from '../cloudevents';
import { RECORD_SIGNING_ALGORITHMS, RecordSigningAlgorithm, RecordSigningKey, TrustedSigningKeys } from './message-keys';

/**
 * How a Kafka record is signed (the partner contract; docs/partner-onboarding.md says the same).
 *
 * The signature is a JWS (RFC 7515) with a detached payload (RFC 7515 appendix F), carried in the
 * record header `kirim_signature` as `<protected header>..<signature>`. The protected header holds
 * `alg` (EdDSA or ES256), `kid` and `typ: "kirim-record+jws"`. The payload, which is not sent, is
 * rebuilt by the verifier from the record itself as these UTF-8 lines, joined by "\n":
 *
 *   kirim-record-signature-v1
 *   topic=<topic, without any deployment prefix>
 *   key=<record key>
 *   ce_id=<header value>          (and likewise, in this order: ce_source, ce_type, ce_time,
 *   ...                            ce_specversion, ce_subject, content-type; "" when absent)
 *   value-sha256=<base64url SHA-256 of the record value's bytes>
 *
 * So the signature covers the record key, every CloudEvents attribute and the value; moving a
 * record to another topic, re-keying it or editing any of them breaks it. A field holding a
 * control character is refused rather than signed, so the lines cannot be forged by injection.
 */
export const SIGNATURE_HEADER = 'kirim_signature';
export const SIGNATURE_TYPE = 'kirim-record+jws';
const SIGNING_INPUT_VERSION = 'kirim-record-signature-v1';

export const SIGNED_HEADERS = [
  CE_HEADERS.ID,
  CE_HEADERS.SOURCE,
  CE_HEADERS.TYPE,
  CE_HEADERS.TIME,
  CE_HEADERS.SPEC_VERSION,
  CE_HEADERS.SUBJECT,
  CE_HEADERS.CONTENT_TYPE,
] as const;

/** A record as the signature sees it: the topic (unprefixed), the key, the headers as text, the value's bytes. */
export interface SignableRecord {
  readonly topic: string;
  readonly key: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly value: Uint8Array;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export class UnsignableRecordError extends Error {}

/** The bytes that are signed. Throws UnsignableRecordError on a field holding a control character. */
export function recordSigningInput(record: SignableRecord): Uint8Array {
  const lines = [SIGNING_INPUT_VERSION, `topic=${record.topic}`, `key=${record.key}`];
  for (const name of SIGNED_HEADERS) lines.push(`${name}=${record.headers[name] ?? ''}`);
  for (const line of lines) {
    if (CONTROL_CHARACTER.test(line)) throw new UnsignableRecordError(`${line.split('=')[0]} holds a control character`);
  }
  lines.push(`value-sha256=${createHash('sha256').update(record.value).digest('base64url')}`);
  return new TextEncoder().encode(lines.join('\n'));
}

/*
 * The JWS itself is computed with node:crypto rather than jose's FlattenedSign/flattenedVerify: it is
 * the same RFC 7515 compact serialisation (jose's output verifies here and ours with jose, see the
 * spec), but jose's general path costs about 150 µs to sign and 210 µs to verify a record on these
 * machines against about 35 µs and 85 µs here, and every payment signs and verifies four records.
 * jose still makes, imports and publishes the keys, and does the JWE.
 */

/** BASE64URL(UTF8(protected header)) per signing key: the same for every record it signs. */
const protectedHeaders = new WeakMap<RecordSigningKey, string>();

function protectedHeaderOf(key: RecordSigningKey): string {
  let encoded = protectedHeaders.get(key);
  if (encoded === undefined) {
    encoded = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ: SIGNATURE_TYPE })).toString('base64url');
    protectedHeaders.set(key, encoded);
  }
  return encoded;
}

/** The JWS signing input: ASCII(BASE64URL(protected header) || '.' || BASE64URL(payload)). */
function jwsSigningInput(protectedHeader: string, payload: Uint8Array): Buffer {
  return Buffer.from(`${protectedHeader}.${Buffer.from(payload).toString('base64url')}`, 'ascii');
}

function asKeyObject(key: KeyLike): KeyObject {
  if (!(key instanceof KeyObject)) throw new Error('record signing keys are Node.js KeyObjects');
  return key;
}

/** EdDSA signs the message itself; ES256 signs its SHA-256 with the r||s (IEEE P1363) encoding JWS uses. */
function signBytes(alg: RecordSigningAlgorithm, data: Buffer, key: KeyLike): Buffer {
  return alg === 'EdDSA' ? cryptoSign(null, data, asKeyObject(key)) : cryptoSign('sha256', data, { key: asKeyObject(key), dsaEncoding: 'ieee-p1363' });
}

function verifyBytes(alg: RecordSigningAlgorithm, data: Buffer, key: KeyLike, signature: Buffer): boolean {
  return alg === 'EdDSA'
    ? cryptoVerify(null, data, asKeyObject(key), signature)
    : cryptoVerify('sha256', data, { key: asKeyObject(key), dsaEncoding: 'ieee-p1363' }, signature);
}

/** The `kirim_signature` header value for `record`. */
export async function signRecord(record: SignableRecord, key: RecordSigningKey): Promise<string> {
  const protectedHeader = protectedHeaderOf(key);
  const signature = signBytes(key.alg, jwsSigningInput(protectedHeader, recordSigningInput(record)), key.privateKey);
  return `${protectedHeader}..${signature.toString('base64url')}`;
}

/** A decoded protected header, cached by its text: a verifier sees the same few headers over and over. */
const decodedHeaders = new Map<string, { alg?: unknown; kid?: unknown; typ?: unknown } | null>();
const MAX_CACHED_HEADERS = 256;

type ProtectedHeader = { alg?: unknown; kid?: unknown; typ?: unknown };

function decodeHeader(encoded: string): ProtectedHeader | null {
  if (decodedHeaders.has(encoded)) return decodedHeaders.get(encoded) ?? null;
  let header: ProtectedHeader | null = null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) header = parsed as ProtectedHeader;
  } catch {
    header = null;
  }
  if (decodedHeaders.size >= MAX_CACHED_HEADERS) decodedHeaders.clear();
  decodedHeaders.set(encoded, header);
  return header;
}

export type SignatureCheck = { readonly ok: true; readonly kid: string } | { readonly ok: false; readonly reason: string };

const DETACHED_JWS = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/;

/**
 * Checks that `signature` is `expectedSigner`'s signature over `record`. Reasons are written for
 * the dead-letter record: they say what is wrong, never anything secret.
 */
export async function verifyRecordSignature(
  record: SignableRecord,
  signature: string | undefined,
  expectedSigner: string,
  trusted: TrustedSigningKeys,
): Promise<SignatureCheck> {
  if (signature === undefined || signature === '') return { ok: false, reason: `unsigned: a record on ${record.topic} must carry a ${SIGNATURE_HEADER} header` };
  const parts = DETACHED_JWS.exec(signature);
  if (!parts) return { ok: false, reason: `malformed ${SIGNATURE_HEADER}: expected a detached compact JWS "<header>..<signature>"` };
  const header = decodeHeader(parts[1]);
  if (header === null) return { ok: false, reason: `malformed ${SIGNATURE_HEADER}: its protected header is not base64url JSON` };
  if (header.typ !== SIGNATURE_TYPE) return { ok: false, reason: `${SIGNATURE_HEADER} has typ ${JSON.stringify(header.typ)}, not ${SIGNATURE_TYPE}` };
  if (typeof header.kid !== 'string') return { ok: false, reason: `${SIGNATURE_HEADER} names no kid` };
  if (!(RECORD_SIGNING_ALGORITHMS as readonly unknown[]).includes(header.alg)) {
    return { ok: false, reason: `${SIGNATURE_HEADER} uses alg ${JSON.stringify(header.alg)}; allowed: ${RECORD_SIGNING_ALGORITHMS.join(', ')}` };
  }
  const trustedKey = trusted.keyFor(expectedSigner, header.kid);
  if (!trustedKey) return { ok: false, reason: `signed with key ${JSON.stringify(header.kid)}, which is not a trusted key of ${expectedSigner}, the only party allowed to sign this type on ${record.topic}` };
  let input: Uint8Array;
  try {
    input = recordSigningInput(record);
  } catch (error) {
    return { ok: false, reason: `cannot be verified: ${error instanceof Error ? error.message : String(error)}` };
  }
  // The header's alg must be the trusted key's own: a key is never used with another algorithm.
  let verified = header.alg === trustedKey.alg;
  try {
    verified = verified && verifyBytes(trustedKey.alg, jwsSigningInput(parts[1], input), trustedKey.key, Buffer.from(parts[2], 'base64url'));
  } catch {
    verified = false;
  }
  if (!verified) return { ok: false, reason: `signature by key ${JSON.stringify(header.kid)} does not verify: the record was altered or signed with another key` };
  return { ok: true, kid: header.kid };
}

/** How far a record's `ce_time` may lie from now: older is refused as late (a replay), newer as from the future. */
export interface FreshnessWindow {
  readonly maxAgeMs: number;
  readonly maxFutureSkewMs: number;
}

/**
 * kirim's default window (MESSAGE_MAX_AGE_MS, MESSAGE_MAX_FUTURE_SKEW_MS; partner kit the same): five
 * minutes is far beyond UPI's 15 s pay timeout yet bounds how long a captured record could be
 * replayed; 30 s covers clock skew between hosts kept by NTP.
 */
export const DEFAULT_FRESHNESS_WINDOW: FreshnessWindow = { maxAgeMs: 5 * 60 * 1000, maxFutureSkewMs: 30 * 1000 };

/** Null when `ceTime` lies in the window around `now`; otherwise the reason to refuse the record. */
export function freshnessProblem(ceTime: string | undefined, now: Date, window: FreshnessWindow): string | null {
  if (!ceTime) return `${CE_HEADERS.TIME} is required on a signed record`;
  const at = Date.parse(ceTime);
  if (Number.isNaN(at)) return `${CE_HEADERS.TIME} is not a timestamp`;
  const age = now.getTime() - at;
  if (age > window.maxAgeMs) return `late: ${CE_HEADERS.TIME} is ${Math.round(age / 1000)} s old, more than the ${Math.round(window.maxAgeMs / 1000)} s allowed (a replay, or a record held back too long)`;
  if (-age > window.maxFutureSkewMs) return `${CE_HEADERS.TIME} lies ${Math.round(-age / 1000)} s in the future, more than the ${Math.round(window.maxFutureSkewMs / 1000)} s of clock skew allowed`;
  return null;
}
