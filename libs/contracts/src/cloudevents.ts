/**
 * CloudEvents 1.0 as kirim puts it on Kafka: the Kafka protocol binding in binary mode. The event
 * attributes travel as `ce_*` headers, `data` is the record value (JSON), and the record key is the
 * aggregate id so one payment's (or user's) messages stay in order on one partition.
 */
export const CE_SPEC_VERSION = '1.0';
export const CE_CONTENT_TYPE = 'application/json';

export const CE_HEADERS = {
  SPEC_VERSION: 'ce_specversion',
  ID: 'ce_id',
  SOURCE: 'ce_source',
  TYPE: 'ce_type',
  TIME: 'ce_time',
  SUBJECT: 'ce_subject',
  CONTENT_TYPE: 'content-type',
  TRACEPARENT: 'traceparent',
} as const;

/** W3C Trace Context `traceparent`, version 00: version-traceid-parentid-flags. */
export const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id of a well-formed `traceparent` (ids not all zeros), or undefined. */
export function traceIdOfTraceparent(value: string | undefined): string | undefined {
  const match = value === undefined ? null : TRACEPARENT_PATTERN.exec(value);
  if (match === null || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return match[1];
}

/** Headers a dead-letter record carries besides the original ones. */
export const DEAD_LETTER_HEADERS = {
  REASON: 'kirim_dlq_reason',
  ORIGINAL_TOPIC: 'kirim_dlq_original_topic',
  ORIGINAL_PARTITION: 'kirim_dlq_original_partition',
  ORIGINAL_OFFSET: 'kirim_dlq_original_offset',
  CONSUMER_GROUP: 'kirim_dlq_consumer_group',
  ATTEMPTS: 'kirim_dlq_attempts',
} as const;

/** CloudEvents `source` of each kirim service. */
export const EVENT_SOURCES = {
  IDENTITY: '/kirim/identity',
  PAYMENTS: '/kirim/payments',
  BANK_CONNECTOR: '/kirim/bank-connector',
  NOTIFICATIONS: '/kirim/notifications',
} as const;

/** A decoded, validated event as services see it. */
export interface KirimEvent<T = unknown> {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly time: string;
  readonly subject?: string;
  readonly key: string;
  readonly traceparent?: string;
  readonly data: T;
}
