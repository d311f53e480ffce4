import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import {
  CE_HEADERS,
  EVENT_CATALOGUE,
  expectedSigner,
  FreshnessWindow,
  freshnessProblem,
  isEventType,
  isSignedTopicAddress,
  RecordSigningKey,
  resolveTopic,
  SIGNATURE_HEADER,
  SignableRecord,
  signRecord,
  TrustedSigningKeys,
  verifyRecordSignature,
} from '@kirim/contracts';

/** A header as text (the first value when repeated); undefined when absent. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  if (raw === undefined) return undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

function asBytes(value: Message['value'] | KafkaMessage['value']): Uint8Array {
  if (value === null || value === undefined) return new Uint8Array();
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}

function signableOf(topic: string, message: Pick<Message, 'key' | 'value' | 'headers'>): SignableRecord {
  const headers: Record<string, string | undefined> = {};
  for (const name of Object.keys(message.headers ?? {})) headers[name] = headerText(message.headers, name);
  const key = message.key === null || message.key === undefined ? '' : Buffer.isBuffer(message.key) ? message.key.toString('utf8') : message.key;
  return { topic, key, headers, value: asBytes(message.value) };
}

/**
 * Signs the records this service produces on signed topics, in the outbox relay just before they
 * are sent. `null` key: signatures are off (MESSAGE_SIGNATURES=off, benchmarks only).
 */
export class RecordSigner {
  constructor(private readonly key: RecordSigningKey | null) {}

  get enabled(): boolean {
    return this.key !== null;
  }

  /** Adds `kirim_signature` to `message` if `topic` (unprefixed) is signed; returns it unchanged otherwise. */
  async sign(topic: string, message: Message): Promise<Message> {
    const resolved = resolveTopic(topic);
    if (!this.key || !resolved || !isSignedTopicAddress(resolved.address)) return message;
    const signature = await signRecord(signableOf(topic, message), this.key);
    return { ...message, headers: { ...(message.headers ?? {}), [SIGNATURE_HEADER]: signature } };
  }
}

/**
 * Checks a consumed record on a signed topic before anything else reads it: signed by the one party
 * allowed to emit its type on that topic, with a trusted key, unaltered, and fresh. Returns null
 * when the record passes (or its topic is not signed), the reason to refuse it otherwise.
 */
export class RecordVerifier {
  constructor(
    /** null: signatures are off (benchmarks only); freshness is still checked. */
    private readonly trusted: TrustedSigningKeys | null,
    private readonly window: FreshnessWindow,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether records on `topic` (unprefixed) must be signed; replay refusal applies to those too. */
  isSignedTopic(topic: string): boolean {
    const resolved = resolveTopic(topic);
    return resolved !== undefined && isSignedTopicAddress(resolved.address);
  }

  async check(topic: string, message: KafkaMessage): Promise<string | null> {
    const resolved = resolveTopic(topic);
    if (!resolved || !this.isSignedTopic(topic)) return null;
    const type = headerText(message.headers, CE_HEADERS.TYPE);
    // A record with no known type of this topic has no signer to check against; the decoder
    // refuses it next with the precise reason, and it never reaches a handler.
    if (type === undefined || !isEventType(type) || EVENT_CATALOGUE[type].topic !== resolved.address) return null;
    const signer = expectedSigner(EVENT_CATALOGUE[type], resolved);
    if (signer === null) return null;
    if (this.trusted) {
      const check = await verifyRecordSignature(signableOf(topic, message), headerText(message.headers, SIGNATURE_HEADER), signer, this.trusted);
      if (!check.ok) return check.reason;
    }
    return freshnessProblem(headerText(message.headers, CE_HEADERS.TIME), this.now(), this.window);
  }
}
