import {
  CE_CONTENT_TYPE,
  CE_HEADERS,
  CE_SPEC_VERSION,
  EVENT_CATALOGUE,
  EventTypeSpec,
  expectedSource,
  isEventType,
  PartnerAccountLookupRequested,
  PartnerLegRequested,
  ResolvedTopic,
  validatePayload,
} from '@kirim/contracts';

export type DecodedRequest =
  | { readonly type: 'partner.debit.requested.v1' | 'partner.credit.requested.v1'; readonly data: PartnerLegRequested }
  | { readonly type: 'partner.account-lookup.requested.v1'; readonly data: PartnerAccountLookupRequested };

export type DecodeOutcome = ({ readonly ok: true; readonly ceId: string; readonly ceTime: string; readonly traceparent?: string } & DecodedRequest) | { readonly ok: false; readonly reason: string };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_ATTRIBUTE_LENGTH = 256;

/**
 * Decodes a request record (CloudEvents 1.0, Kafka binding, binary mode) and checks it against the
 * catalogue: a type that travels on this topic, from the only source allowed to send it, with data
 * that satisfies its contract class, for this topic's bank, keyed by its aggregate id. Reasons are
 * written for the dead-letter record and name fields, never their values.
 */
export function decodeRequest(topic: ResolvedTopic, unprefixedTopic: string, key: string | null, headers: Readonly<Record<string, string | undefined>>, value: Uint8Array | null): DecodeOutcome {
  if (headers[CE_HEADERS.SPEC_VERSION] !== CE_SPEC_VERSION) return { ok: false, reason: `not a CloudEvents ${CE_SPEC_VERSION} binary-mode record: header ${CE_HEADERS.SPEC_VERSION} is missing or not ${CE_SPEC_VERSION}` };
  if (!(headers[CE_HEADERS.CONTENT_TYPE] ?? '').startsWith(CE_CONTENT_TYPE)) return { ok: false, reason: `content-type must be ${CE_CONTENT_TYPE}` };
  for (const name of [CE_HEADERS.ID, CE_HEADERS.SOURCE, CE_HEADERS.TYPE, CE_HEADERS.TIME] as const) {
    const attribute = headers[name];
    if (!attribute) return { ok: false, reason: `header ${name} is required` };
    if (attribute.length > MAX_ATTRIBUTE_LENGTH) return { ok: false, reason: `header ${name} is longer than ${MAX_ATTRIBUTE_LENGTH} characters` };
  }
  const ceId = headers[CE_HEADERS.ID] as string;
  const ceType = headers[CE_HEADERS.TYPE] as string;
  const ceTime = headers[CE_HEADERS.TIME] as string;
  if (!RFC3339.test(ceTime) || Number.isNaN(Date.parse(ceTime))) return { ok: false, reason: `header ${CE_HEADERS.TIME} is not an RFC 3339 timestamp` };
  if (!isEventType(ceType)) return { ok: false, reason: `unknown event type ${JSON.stringify(ceType)}` };
  const spec: EventTypeSpec = EVENT_CATALOGUE[ceType];
  if (spec.topic !== topic.address) return { ok: false, reason: `event type ${ceType} belongs on ${spec.topic}, not ${unprefixedTopic}` };
  const source = expectedSource(spec, topic);
  if (headers[CE_HEADERS.SOURCE] !== source) return { ok: false, reason: `event type ${ceType} must come from ${source}, not ${JSON.stringify(headers[CE_HEADERS.SOURCE])}` };
  if (!key) return { ok: false, reason: 'record key (aggregate id) is missing' };
  if (!value || value.length === 0) return { ok: false, reason: 'record value (event data) is empty' };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(value).toString('utf8'));
  } catch {
    return { ok: false, reason: 'record value is not valid JSON' };
  }
  const validated = validatePayload(spec.payload, data);
  if (!validated.ok) return { ok: false, reason: `data does not satisfy ${ceType}: ${validated.errors.join('; ')}` };
  const payload = validated.value as Record<string, unknown>;
  if (payload.bankCode !== topic.bankCode) return { ok: false, reason: `data.bankCode must be ${topic.bankCode}, the bank of ${unprefixedTopic}` };
  if (payload[spec.keyField] !== key) return { ok: false, reason: `record key must be the aggregate id (data.${spec.keyField})` };
  const traceparent = headers[CE_HEADERS.TRACEPARENT];
  const envelope = { ok: true as const, ceId, ceTime, ...(traceparent && TRACEPARENT.test(traceparent) ? { traceparent } : {}) };
  if (ceType === 'partner.account-lookup.requested.v1') return { ...envelope, type: ceType, data: validated.value as PartnerAccountLookupRequested };
  if (ceType === 'partner.debit.requested.v1' || ceType === 'partner.credit.requested.v1') return { ...envelope, type: ceType, data: validated.value as PartnerLegRequested };
  return { ok: false, reason: `event type ${ceType} is not a request a bank handles` };
}
