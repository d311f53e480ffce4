/**
 * Kafka's verdicts on a record itself (kafkajs marks them not retriable): sending the same record
 * again cannot succeed, so the outbox relay sets it aside instead of retrying it forever.
 * - MESSAGE_TOO_LARGE: the record (or the record batch) exceeds the topic's max.message.bytes;
 * - INVALID_RECORD: the broker's own validation of the record refused it;
 * - INVALID_TIMESTAMP: its time is outside what the topic accepts;
 * - RECORD_LIST_TOO_LARGE: the batch exceeds the segment size.
 * Other non-retriable errors (authorization, an unknown producer id, a disconnected client) are about
 * the service or the connection, not about a record: they never quarantine anything.
 */
const RECORD_REFUSALS: ReadonlySet<string> = new Set(['MESSAGE_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TIMESTAMP', 'RECORD_LIST_TOO_LARGE']);

/** How deep to follow `cause`: kafkajs wraps an error in one or two others. */
const MAX_CAUSE_DEPTH = 5;

interface KafkaErrorShape {
  readonly type?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
}

function causesOf(error: unknown): KafkaErrorShape[] {
  const chain: KafkaErrorShape[] = [];
  let current = error;
  while (typeof current === 'object' && current !== null && chain.length < MAX_CAUSE_DEPTH && !chain.includes(current)) {
    chain.push(current);
    current = (current as KafkaErrorShape).cause;
  }
  return chain;
}

/** The broker's error type if it refused a record for good (see RECORD_REFUSALS), else null. */
export function brokerRefusalOf(error: unknown): string | null {
  for (const cause of causesOf(error)) {
    if (typeof cause.type === 'string' && RECORD_REFUSALS.has(cause.type) && cause.retriable === false) return cause.type;
  }
  return null;
}

/**
 * True if the broker answered with a non-retriable protocol error. After one, part of a multi-
 * partition request may have been appended while kafkajs rolled back the sequence numbers of all of
 * it, so the idempotent producer's state no longer matches the broker's and the producer is replaced.
 */
export function isNonRetriableProtocolError(error: unknown): boolean {
  return causesOf(error).some((cause) => typeof cause.type === 'string' && cause.retriable === false);
}
