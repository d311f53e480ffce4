import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, isEventType, topicOfEvent, traceIdOfTraceparent, validatePayload } from '@kirim/contracts';
import { uuidv7 } from '@kirim/platform';
import { AfterCommitCallbacks } from '../after-commit';
import type { OutgoingEvent, TransactionScope } from '../messaging.types';
import { childTraceparent, traceparentOfSpan } from '../codec/traceparent';

/** A message refused on produce: the code that emitted it broke the contract. This is a bug, so it throws. */
export class ContractViolationError extends Error {
  constructor(type: string, errors: readonly string[]) {
    super(`refusing to publish ${type}: ${errors.join('; ')}`);
    this.name = 'ContractViolationError';
  }
}

/**
 * The traceparent stored with a message published now: the active span's (the HTTP request or the
 * consumed record being handled), so the span that handles the message is its child and a payment
 * keeps one trace id from service to service. An explicit parent from another trace wins (a replayed
 * dead letter continues its message's trace, not the operator's request); with no active span
 * (tracing not started, a timer's work) the message is the explicit parent's child or starts a trace.
 */
export function outgoingTraceparent(explicitParent?: string): string {
  const active = trace.getSpanContext(context.active());
  if (active !== undefined && isSpanContextValid(active)) {
    const explicitTraceId = traceIdOfTraceparent(explicitParent);
    if (explicitTraceId === undefined || explicitTraceId === active.traceId) return traceparentOfSpan(active);
  }
  return childTraceparent(explicitParent);
}

/**
 * The outgoing messages of one transaction, validated against the contract as they are published
 * and written with one multi-row INSERT at the end, so a whole consumer chunk costs one round trip
 * for its outbox rows however many messages it emits; and what its scopes asked to run once it
 * has committed (`committed`, run by whoever commits it).
 */
export class OutboxBuffer {
  private readonly pending: unknown[][] = [];
  readonly committed = new AfterCommitCallbacks();

  constructor(private readonly source: string) {}

  /** A TransactionScope whose messages land in this buffer, in the active span's trace or else as children of `parentTraceparent`. */
  scope(manager: EntityManager, parentTraceparent?: string): TransactionScope {
    return { manager, publish: (event) => this.add(event, parentTraceparent), afterCommit: (callback) => this.committed.add(callback) };
  }

  async add<T extends object>(event: OutgoingEvent<T>, parentTraceparent?: string): Promise<void> {
    if (!isEventType(event.type)) throw new ContractViolationError(event.type, ['unknown event type']);
    const spec = EVENT_CATALOGUE[event.type];
    const validated = validatePayload(spec.payload, event.data);
    if (!validated.ok) throw new ContractViolationError(event.type, validated.errors);
    if (spec.source !== this.source) throw new ContractViolationError(event.type, [`only ${spec.source} may emit it, not ${this.source}`]);
    if ((validated.value as Record<string, unknown>)[spec.keyField] !== event.key) {
      throw new ContractViolationError(event.type, [`the record key must be the aggregate id (data.${spec.keyField})`]);
    }
    // Serialise through JSON so what is stored is exactly what consumers will read.
    const data = JSON.parse(JSON.stringify(event.data)) as object;
    // A time-ordered ce_id: every consumer's inbox key (group, source, id) then grows at its right edge.
    this.pending.push([uuidv7(), topicOfEvent(spec, validated.value), event.key, event.type, this.source, event.subject ?? null, new Date(), data, outgoingTraceparent(parentTraceparent)]);
  }

  /** Writes what was published since the last flush; call it before the transaction commits. */
  async flush(manager: EntityManager): Promise<number> {
    if (this.pending.length === 0) return 0;
    const rows = this.pending.splice(0, this.pending.length);
    const values: unknown[] = [];
    const tuples = rows.map((row, index) => {
      values.push(...row);
      const base = index * 9;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}, $${base + 8}, $${base + 9})`;
    });
    await manager.query(
      `INSERT INTO outbox_messages (id, topic, record_key, type, source, subject, occurred_at, data, traceparent) VALUES ${tuples.join(', ')}`,
      values,
    );
    return rows.length;
  }
}

/** A TransactionScope as the code that runs its transaction holds it. */
export interface OpenTransactionScope extends TransactionScope {
  /** Writes the outbox rows; call it before the transaction commits. */
  flush(): Promise<number>;
  /** What `afterCommit` collected: run it once the transaction has committed, drop it if it rolls back. */
  readonly committed: AfterCommitCallbacks;
}

/** Makes outbox buffers for one service (its CloudEvents source). */
export class OutboxWriter {
  constructor(private readonly source: string) {}

  buffer(): OutboxBuffer {
    return new OutboxBuffer(this.source);
  }

  /** A scope over `manager` with its own buffer: `flush()` before the transaction commits, `committed.run()` after. */
  open(manager: EntityManager, parentTraceparent?: string): OpenTransactionScope {
    const buffer = this.buffer();
    return { ...buffer.scope(manager, parentTraceparent), flush: () => buffer.flush(manager), committed: buffer.committed };
  }
}
