import type { IHeaders, Message } from 'kafkajs';
import { deadLetterTopicOf, DEAD_LETTER_HEADERS } from '@kirim/contracts';
import type { RecordPosition } from '../requests/partner-request';

/** Longest reason kept in a header: enough to act on, bounded so nothing can bloat the record. */
const MAX_REASON_LENGTH = 2000;

export interface OriginalRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

/**
 * A refused record for `<request topic>.dlq`: the original key, value and headers untouched (the
 * signature still verifies, so an operator can inspect or replay it), plus why, from where and by
 * which consumer group.
 */
export function deadLetterRecord(original: OriginalRecord, position: RecordPosition, reason: string, consumerGroup: string): { topic: string; message: Message } {
  return {
    topic: deadLetterTopicOf(position.topic),
    message: {
      key: original.key,
      value: original.value,
      headers: {
        ...(original.headers ?? {}),
        [DEAD_LETTER_HEADERS.REASON]: reason.slice(0, MAX_REASON_LENGTH),
        [DEAD_LETTER_HEADERS.ORIGINAL_TOPIC]: position.topic,
        [DEAD_LETTER_HEADERS.ORIGINAL_PARTITION]: String(position.partition),
        [DEAD_LETTER_HEADERS.ORIGINAL_OFFSET]: position.offset,
        [DEAD_LETTER_HEADERS.CONSUMER_GROUP]: consumerGroup,
        [DEAD_LETTER_HEADERS.ATTEMPTS]: '1',
      },
    },
  };
}
