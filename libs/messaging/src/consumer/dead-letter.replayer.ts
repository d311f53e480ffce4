import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, isEventType, KirimEvent, validatePayload } from '@kirim/contracts';
import { AfterCommitCallbacks } from '../after-commit';
import type { ChunkPreparer, InboundMessageContext } from '../messaging.types';
import type { OutboxWriter } from '../outbox/outbox-writer';
import { describeError } from '../describe-error';
import { storableText } from '../persistence/storable-json';
import { isMessageRefusal } from './message-refused.error';
import { DEAD_LETTER_COLUMNS, deadLetterOf, DeadLetterHooks, DeadLetterRecord, DeadLetterRow, isUuid } from './dead-letter.store';

/** What runs a replayed event: the service's consumer (KafkaBatchTransport), with its handlers and chunk preparer. */
export interface ReplayDispatcher {
  dispatchEvent(event: KirimEvent<object>, context: InboundMessageContext): Promise<void>;
  readonly chunkPreparer?: ChunkPreparer;
}

export interface DeadLetterReplayerOptions {
  /** The group this service consumes as (prefix included): it replays only its own dead letters. */
  readonly consumerGroup: string | null;
  readonly onReplayed?: DeadLetterHooks['onReplayed'];
}

/** How a replay ended. Every expected outcome is a value; only outages (the database gone) throw. */
export type ReplayResult =
  | { readonly outcome: 'replayed'; readonly deadLetter: DeadLetterRecord }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'not-replayable'; readonly reason: string; readonly deadLetter: DeadLetterRecord }
  | { readonly outcome: 'already-replayed'; readonly deadLetter: DeadLetterRecord }
  /** The handler failed again (or refused): nothing it did was kept; replay_attempts and last_replay_error say so. */
  | { readonly outcome: 'failed'; readonly reason: string; readonly deadLetter: DeadLetterRecord };

/** Longest replay error kept, as for a dead letter's reason. */
const MAX_REPLAY_ERROR_LENGTH = 2000;

/** Unwinds the replay's transaction when the handler fails, carrying why. */
class ReplayFailure extends Error {
  constructor(
    readonly deadLetter: DeadLetterRecord,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * The stored event, validated again against today's contract: what the handler receives is what a
 * freshly consumed record would give it (the contract class, not plain JSON).
 */
export function eventToReplay(stored: unknown): { readonly ok: true; readonly event: KirimEvent<object> } | { readonly ok: false; readonly reason: string } {
  if (stored === null || typeof stored !== 'object') return { ok: false, reason: 'the dead letter holds no event' };
  const { id, type, source, time, subject, key, traceparent, data } = stored as Record<string, unknown>;
  if (typeof id !== 'string' || typeof source !== 'string' || typeof time !== 'string' || typeof key !== 'string') {
    return { ok: false, reason: 'the stored event lacks its id, source, time or key' };
  }
  if (typeof type !== 'string' || !isEventType(type)) return { ok: false, reason: `the stored event's type ${JSON.stringify(type)} is not in the catalogue` };
  const validated = validatePayload(EVENT_CATALOGUE[type].payload, data);
  if (!validated.ok) return { ok: false, reason: `the stored event no longer satisfies ${type}: ${validated.errors.join('; ')}` };
  return {
    ok: true,
    event: {
      id,
      type,
      source,
      time,
      key,
      ...(typeof subject === 'string' ? { subject } : {}),
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
      data: validated.value,
    },
  };
}

/**
 * Applies a dead-lettered message once its cause is fixed, exactly as the consumer would have: in one
 * transaction the dead letter is locked, the service's handler runs on the stored event with an
 * outbox scope (its effects and outgoing messages commit together), the inbox records the message as
 * applied, the dead letter becomes `replayed` and the service's onReplayed hook runs. The row lock
 * makes concurrent replays of one dead letter apply it once: the second sees `already-replayed`.
 *
 * A replay comes after later messages of the same aggregate were applied; handlers already cope with
 * that (a payment's state machine ignores what no longer applies to it).
 */
export class DeadLetterReplayer {
  private readonly logger = new Logger(DeadLetterReplayer.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: OutboxWriter,
    private readonly dispatcher: ReplayDispatcher | null,
    private readonly options: DeadLetterReplayerOptions,
    /** Called after a replay that wrote messages, so the relay publishes them at once. */
    private readonly onMessagesCommitted: () => void = () => undefined,
  ) {}

  async replay(id: string): Promise<ReplayResult> {
    if (!isUuid(id)) return { outcome: 'not-found' };
    let written = 0;
    const committed = new AfterCommitCallbacks();
    let result: ReplayResult;
    try {
      result = await this.dataSource.transaction(async (manager): Promise<ReplayResult> => {
        const rows: DeadLetterRow[] = await manager.query(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE id = $1 FOR UPDATE`, [id]);
        if (rows.length === 0) return { outcome: 'not-found' };
        const deadLetter = deadLetterOf(rows[0]);
        if (deadLetter.status === 'replayed') return { outcome: 'already-replayed', deadLetter };
        const refusal = this.whyNotReplayable(deadLetter);
        if (refusal !== null) return { outcome: 'not-replayable', reason: refusal, deadLetter };
        const dispatcher = this.dispatcher as ReplayDispatcher;
        const rebuilt = eventToReplay(deadLetter.event);
        if (!rebuilt.ok) throw new ReplayFailure(deadLetter, rebuilt.reason);
        const { event } = rebuilt;
        if (!(await this.markApplied(manager, deadLetter, event))) {
          return { outcome: 'not-replayable', reason: 'the inbox already records this message as applied', deadLetter };
        }
        try {
          await dispatcher.chunkPreparer?.prepareChunk([event], manager, { asOne: false });
          const scope = this.writer.open(manager, event.traceparent);
          await dispatcher.dispatchEvent(event, { topic: deadLetter.topic, partition: deadLetter.partition, offset: deadLetter.offset, tx: scope });
          written = await scope.flush();
          scope.committed.moveTo(committed);
          // Through a CTE: TypeORM hands back rows for a SELECT, but [rows, count] for a bare UPDATE.
          const [updated]: DeadLetterRow[] = await manager.query(
            `WITH updated AS (
               UPDATE dead_letters SET status = 'replayed', replayed_at = now(), replay_attempts = replay_attempts + 1, last_replay_error = NULL
                WHERE id = $1 RETURNING *
             ) SELECT ${DEAD_LETTER_COLUMNS} FROM updated`,
            [id],
          );
          const replayed = deadLetterOf(updated);
          await this.options.onReplayed?.(manager, replayed);
          return { outcome: 'replayed', deadLetter: replayed };
        } catch (error) {
          throw new ReplayFailure(deadLetter, isMessageRefusal(error) ? `refused: ${error.message}` : describeError(error));
        }
      });
    } catch (error) {
      if (!(error instanceof ReplayFailure)) throw error;
      // The transaction rolled back everything the handler did; the attempt is recorded on its own.
      const deadLetter = await this.recordFailedAttempt(error.deadLetter, error.reason);
      this.logger.warn(`replay of dead letter ${id} (${deadLetter.ceType ?? 'unknown type'}) failed: ${error.reason}`);
      return { outcome: 'failed', reason: error.reason, deadLetter };
    }
    committed.run();
    if (result.outcome === 'replayed') {
      this.logger.log(`replayed dead letter ${id} (${result.deadLetter.ceType ?? 'unknown type'})`);
      if (written > 0) this.onMessagesCommitted();
    }
    return result;
  }

  private whyNotReplayable(deadLetter: DeadLetterRecord): string | null {
    if (!deadLetter.replayable || deadLetter.event === null) {
      return 'only a handler failure can be replayed: this record was refused, and its original is on the .dlq topic';
    }
    if (this.dispatcher === null || this.options.consumerGroup === null) return 'this service consumes no topics';
    if (deadLetter.consumerGroup !== this.options.consumerGroup) {
      return `dead-lettered by consumer group ${deadLetter.consumerGroup}; this service consumes as ${this.options.consumerGroup}`;
    }
    return null;
  }

  /**
   * Records the message as applied in the inbox, as the consumer does for a fresh one. The inbox row
   * may be gone (InboxPruner drops old ones; Kafka can no longer redeliver the record by then), so it
   * is written again. False if the inbox says some other path applied it already.
   */
  private async markApplied(manager: EntityManager, deadLetter: DeadLetterRecord, event: KirimEvent<object>): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO inbox_messages (consumer_group, source, message_id, topic, partition, kafka_offset, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, 'applied')
       ON CONFLICT (consumer_group, source, message_id) DO UPDATE SET outcome = 'applied', processed_at = now()
        WHERE inbox_messages.outcome = 'dead-lettered'
       RETURNING 1`,
      [deadLetter.consumerGroup, event.source, event.id, deadLetter.topic, deadLetter.partition, deadLetter.offset],
    );
    return rows.length > 0;
  }

  private async recordFailedAttempt(deadLetter: DeadLetterRecord, reason: string): Promise<DeadLetterRecord> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `WITH updated AS (
         UPDATE dead_letters SET replay_attempts = replay_attempts + 1, last_replay_error = $2
          WHERE id = $1 AND status = 'open' RETURNING *
       ) SELECT ${DEAD_LETTER_COLUMNS} FROM updated`,
      [deadLetter.id, storableText(reason, MAX_REPLAY_ERROR_LENGTH)],
    );
    if (rows.length > 0) return deadLetterOf(rows[0]);
    // Replayed by someone else in the meantime: report it as it is now.
    const current: DeadLetterRow[] = await this.dataSource.query(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE id = $1`, [deadLetter.id]);
    return current.length > 0 ? deadLetterOf(current[0]) : deadLetter;
  }
}
