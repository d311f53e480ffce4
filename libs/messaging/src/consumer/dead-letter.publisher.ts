import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopicOf, DEAD_LETTER_HEADERS, KirimEvent } from '@kirim/contracts';
import { ConnectionGuard } from '../kafka/connection-guard';

/**
 * Why a record was dead-lettered:
 * - `rejected`: refused before it was decoded (signature, format, contract);
 * - `refused`: its handler refused what it says (MessageRefusedError);
 * - `handler-failed`: its handler kept failing; a fix can cure that, so its event is kept for
 *   DeadLetterReplayer (the only replayable cause);
 * - `duplicate-of-applied`: a copy, at another offset, of a signed record this group already
 *   applied (the relay publishing a batch again after a crash, or someone replaying it): refused,
 *   and harmless, since the original's effects stand and the copy changed nothing.
 */
export type DeadLetterCause = 'rejected' | 'refused' | 'handler-failed' | 'duplicate-of-applied';

export interface DeadLetter {
  readonly message: KafkaMessage;
  readonly reason: string;
  readonly attempts: number;
  readonly cause: DeadLetterCause;
  /** The decoded, validated event, when the record got that far. */
  readonly event?: KirimEvent<object>;
}

/** Longest reason kept in a header: enough to act on, bounded so a huge error cannot bloat the record. */
const MAX_REASON_LENGTH = 2000;

/**
 * Sends refused records to `<topic>.dlq`: the original key, value and headers untouched, plus
 * headers saying why, from where and after how many attempts, so an operator can fix and replay.
 */
export class DeadLetterPublisher {
  private readonly producerConnection: ConnectionGuard;

  constructor(
    private readonly producer: Producer,
    private readonly consumerGroup: string,
  ) {
    this.producerConnection = ConnectionGuard.forProducer(producer);
  }

  async publish(topic: string, partition: number, deadLetters: readonly DeadLetter[]): Promise<void> {
    if (deadLetters.length === 0) return;
    await this.producerConnection.ensureConnected();
    await this.producer.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: deadLetters.map(({ message, reason, attempts }) => {
        const headers: IHeaders = {
          ...(message.headers ?? {}),
          [DEAD_LETTER_HEADERS.REASON]: reason.slice(0, MAX_REASON_LENGTH),
          [DEAD_LETTER_HEADERS.ORIGINAL_TOPIC]: topic,
          [DEAD_LETTER_HEADERS.ORIGINAL_PARTITION]: String(partition),
          [DEAD_LETTER_HEADERS.ORIGINAL_OFFSET]: message.offset,
          [DEAD_LETTER_HEADERS.CONSUMER_GROUP]: this.consumerGroup,
          [DEAD_LETTER_HEADERS.ATTEMPTS]: String(attempts),
        };
        return { key: message.key, value: message.value, headers };
      }),
    });
  }
}
