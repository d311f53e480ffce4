import { CloudEvent, Kafka, KafkaMessage as CloudEventKafkaMessage, ValidationError as CloudEventValidationError } from 'cloudevents';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import {
  CE_CONTENT_TYPE,
  CE_HEADERS,
  CE_SPEC_VERSION,
  EVENT_CATALOGUE,
  expectedSource,
  isEventType,
  KirimEvent,
  resolveTopic,
  validatePayload,
} from '@kirim/contracts';
import { isValidTraceparent } from './traceparent';

/** What the outbox holds for one message: everything needed to build the Kafka record. */
export interface OutboundRecord {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly subject?: string | null;
  readonly time: Date;
  readonly key: string;
  readonly data: object;
  readonly traceparent?: string | null;
}

/**
 * Encodes a message in the CloudEvents Kafka binding, binary mode, using the `cloudevents` SDK:
 * attributes become `ce_*` headers, `data` the JSON value, the aggregate id the record key.
 * The W3C `traceparent` travels as its own header, as the W3C Kafka trace-context draft has it.
 */
export function encodeCloudEvent(record: OutboundRecord): Message {
  const event = new CloudEvent<object>({
    specversion: CE_SPEC_VERSION,
    id: record.id,
    type: record.type,
    source: record.source,
    time: record.time.toISOString(),
    datacontenttype: CE_CONTENT_TYPE,
    ...(record.subject ? { subject: record.subject } : {}),
    data: record.data,
  });
  const binary = Kafka.binary(event);
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(binary.headers)) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  if (record.traceparent) headers[CE_HEADERS.TRACEPARENT] = record.traceparent;
  return { key: record.key, value: JSON.stringify(record.data), headers, timestamp: String(record.time.getTime()) };
}

export type DecodeResult<T = object> =
  | { readonly ok: true; readonly event: KirimEvent<T> }
  | { readonly ok: false; readonly reason: string; readonly id?: string; readonly type?: string };

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  if (raw === undefined) return undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString('utf8');
}

/**
 * Decodes and validates one consumed record. Everything from Kafka is untrusted: a record that is
 * not a binary-mode CloudEvent, has an unknown type, arrived on the wrong topic, or whose data does
 * not satisfy the contract class is refused with a reason fit for the dead-letter topic.
 */
export function decodeCloudEvent(topic: string, message: KafkaMessage): DecodeResult {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(message.headers ?? {})) {
    const text = headerText(message.headers, name);
    if (text !== undefined) headers[name] = text;
  }
  const id = headers[CE_HEADERS.ID];
  const type = headers[CE_HEADERS.TYPE];
  if (headers[CE_HEADERS.SPEC_VERSION] !== CE_SPEC_VERSION) {
    return { ok: false, id, type, reason: `not a CloudEvents ${CE_SPEC_VERSION} binary-mode record: header ${CE_HEADERS.SPEC_VERSION} is missing or not ${CE_SPEC_VERSION}` };
  }
  if (!(headers[CE_HEADERS.CONTENT_TYPE] ?? '').startsWith(CE_CONTENT_TYPE)) {
    return { ok: false, id, type, reason: `content-type must be ${CE_CONTENT_TYPE}` };
  }
  if (!message.value || message.value.length === 0) {
    return { ok: false, id, type, reason: 'record value (event data) is empty' };
  }
  const key = message.key?.toString('utf8');
  if (!key) return { ok: false, id, type, reason: 'record key (aggregate id) is missing' };

  let data: unknown;
  try {
    data = JSON.parse(message.value.toString('utf8'));
  } catch {
    return { ok: false, id, type, reason: 'record value is not valid JSON' };
  }

  let event: CloudEvent<unknown>;
  try {
    // The SDK checks the required attributes (id, source, type, specversion) and their formats.
    const binaryMessage: CloudEventKafkaMessage<unknown> = { headers, key, value: data, body: data };
    event = Kafka.toEvent(binaryMessage) as CloudEvent<unknown>;
    event.validate();
  } catch (error) {
    const detail = error instanceof CloudEventValidationError ? JSON.stringify(error.errors ?? error.message) : String(error);
    return { ok: false, id, type, reason: `invalid CloudEvent attributes: ${detail}` };
  }

  if (!isEventType(event.type)) return { ok: false, id, type, reason: `unknown event type ${JSON.stringify(event.type)}` };
  const spec = EVENT_CATALOGUE[event.type];
  const resolved = resolveTopic(topic);
  if (!resolved || spec.topic !== resolved.address) return { ok: false, id, type, reason: `event type ${event.type} belongs on ${spec.topic}, not ${topic}` };

  const source = expectedSource(spec, resolved);
  if (event.source !== source) return { ok: false, id, type, reason: `event type ${event.type} must come from ${source}, not ${JSON.stringify(event.source)}` };

  const validated = validatePayload(spec.payload, data);
  if (!validated.ok) return { ok: false, id, type, reason: `data does not satisfy ${event.type}: ${validated.errors.join('; ')}` };
  // A partner topic carries one bank's messages only: a record naming another bank is misrouted.
  const bankCode = (validated.value as { bankCode?: unknown }).bankCode;
  if (resolved.bankCode !== undefined && bankCode !== resolved.bankCode) {
    return { ok: false, id, type, reason: `data.bankCode must be ${resolved.bankCode}, the bank of ${topic}` };
  }
  const aggregateId = (validated.value as Record<string, unknown>)[spec.keyField];
  // The key decides the partition and so the order; a record keyed by anything else escapes it.
  if (aggregateId !== key) return { ok: false, id, type, reason: `record key must be the aggregate id (data.${spec.keyField})` };

  const traceparent = headers[CE_HEADERS.TRACEPARENT];
  return {
    ok: true,
    event: {
      id: event.id,
      type: event.type,
      source: event.source,
      time: event.time ?? new Date().toISOString(),
      ...(event.subject ? { subject: event.subject } : {}),
      key,
      ...(isValidTraceparent(traceparent) ? { traceparent } : {}),
      data: validated.value,
    },
  };
}
