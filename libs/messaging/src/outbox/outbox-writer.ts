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

/** The outbox table's columns in the order a row is rendered, each with the type of its unnest array. */
const OUTBOX_COLUMNS = [
  ['id', 'uuid'],
  ['topic', 'text'],
  ['record_key', 'text'],
  ['type', 'text'],
  ['source', 'text'],
  ['subject', 'text'],
  ['occurred_at', 'timestamptz'],
  ['data', 'jsonb'],
  ['traceparent', 'text'],
] as const;

/**
 * Outbox rows as one `INSERT … SELECT … FROM unnest(…)`: a column's values travel as one array
 * parameter, so the statement's text is the same for any number of rows and the connection
 * prepares it once (a multi-row VALUES list is a new text for every row count). The rows are
 * inserted in array order (WITH ORDINALITY), so their positions keep the order of publishing.
 */
export class OutboxRows {
  constructor(private readonly rows: readonly (readonly unknown[])[]) {}

  get count(): number {
    return this.rows.length;
  }

  /** One array per column, in the table's order: for a statement that unnests them itself. */
  get columns(): unknown[][] {
    return OUTBOX_COLUMNS.map((_, index) => this.rows.map((row) => row[index]));
  }

  /**
   * The INSERT with its parameters numbered from `$first`, and their values. With `onlyIf` (an SQL
   * condition, e.g. `EXISTS (SELECT 1 FROM claim)` in a data-modifying CTE) no row is written unless it holds.
   */
  insert(first: number, onlyIf?: string): { readonly text: string; readonly parameters: unknown[] } {
    return { text: outboxInsertText(first, onlyIf), parameters: this.columns };
  }
}

/** The INSERT's text depends only on where its parameters start and its condition: built once per pair. */
const OUTBOX_INSERT_TEXTS = new Map<string, string>();

function outboxInsertText(first: number, onlyIf?: string): string {
  const cacheKey = `${first}|${onlyIf ?? ''}`;
  let text = OUTBOX_INSERT_TEXTS.get(cacheKey);
  if (text === undefined) {
    const arrays = OUTBOX_COLUMNS.map(([, type], index) => `$${first + index}::${type}[]`);
    const columns = OUTBOX_COLUMNS.map(([column]) => column).join(', ');
    text =
      `INSERT INTO outbox_messages (${columns}) ` +
      `SELECT ${columns} FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS r (${columns}, n)` +
      `${onlyIf === undefined ? '' : ` WHERE ${onlyIf}`} ORDER BY n`;
    OUTBOX_INSERT_TEXTS.set(cacheKey, text);
  }
  return text;
}

/**
 * The outgoing messages of one transaction, validated against the contract as they are published
 * and written with one INSERT at the end (or by a statement of the transaction's own,
 * `rowsForOwnStatement`), so a whole consumer chunk costs one round trip for its outbox rows however
 * many messages it emits; and what its scopes asked to run once it has committed (`committed`, run
 * by whoever commits it).
 */
export class OutboxBuffer {
  private readonly pending: unknown[][] = [];
  /** Rows the transaction's own statements wrote (`rowsForOwnStatement`): they wake the relay as flushed ones do. */
  private writtenByCaller = 0;
  readonly committed = new AfterCommitCallbacks();

  constructor(private readonly source: string) {}

  /** A TransactionScope whose messages land in this buffer, in the active span's trace or else as children of `parentTraceparent`. */
  scope(manager: EntityManager, parentTraceparent?: string): TransactionScope {
    return this.attach({ manager, publish: (event) => this.add(event, parentTraceparent), afterCommit: (callback) => this.committed.add(callback) }, parentTraceparent);
  }

  /** Makes `scope` one of this buffer's, for `rowsForOwnStatement`: a scope built around `scope()`'s must be attached itself. */
  attach<S extends TransactionScope>(scope: S, parentTraceparent?: string): S {
    BUFFER_OF_SCOPE.set(scope, { buffer: this, parentTraceparent });
    return scope;
  }

  async add<T extends object>(event: OutgoingEvent<T>, parentTraceparent?: string): Promise<void> {
    this.pending.push(this.render(event, parentTraceparent));
  }

  /** `events` as rows for a statement of the caller's own; `written()` once it inserted them. */
  renderForCaller(events: readonly OutgoingEvent<object>[], parentTraceparent?: string): OwnStatementOutbox {
    // Written now, they would land before messages published earlier and flushed at the end.
    if (this.pending.length > 0) throw new Error('rows for an own statement after messages published in the same transaction would change their order');
    const rows = new OutboxRows(events.map((event) => this.render(event, parentTraceparent)));
    return { rows, written: () => void (this.writtenByCaller += rows.count) };
  }

  /** Writes what was published since the last flush; call it before the transaction commits. Counts the rows written either way. */
  async flush(manager: EntityManager): Promise<number> {
    const writtenByCaller = this.writtenByCaller;
    this.writtenByCaller = 0;
    if (this.pending.length === 0) return writtenByCaller;
    const rows = new OutboxRows(this.pending.splice(0, this.pending.length));
    const { text, parameters } = rows.insert(1);
    await manager.query(text, parameters);
    return rows.count + writtenByCaller;
  }

  private render<T extends object>(event: OutgoingEvent<T>, parentTraceparent?: string): unknown[] {
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
    return [uuidv7(), topicOfEvent(spec, validated.value), event.key, event.type, this.source, event.subject ?? null, new Date(), data, outgoingTraceparent(parentTraceparent)];
  }
}

/** Messages rendered for a statement of the caller's own (`rowsForOwnStatement`). */
export interface OwnStatementOutbox {
  readonly rows: OutboxRows;
  /** Call once the statement inserted the rows, in the transaction: the relay is then woken at commit. */
  written(): void;
}

const BUFFER_OF_SCOPE = new WeakMap<object, { readonly buffer: OutboxBuffer; readonly parentTraceparent?: string }>();

/**
 * `events`, validated and rendered as `tx`'s outbox rows, for the caller to write in a statement
 * it runs anyway (OutboxRows.insert inside a data-modifying CTE), so they cost no round trip of
 * their own; the caller may make the insert conditional and then writes them or not with its own
 * rows. Null when `tx` is not a transaction of an OutboxWriter (a unit test's fake scope): the
 * caller then publishes them as usual.
 */
export function rowsForOwnStatement(tx: object, events: readonly OutgoingEvent<object>[]): OwnStatementOutbox | null {
  const owner = BUFFER_OF_SCOPE.get(tx);
  return owner === undefined ? null : owner.buffer.renderForCaller(events, owner.parentTraceparent);
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
    return buffer.attach({ ...buffer.scope(manager, parentTraceparent), flush: () => buffer.flush(manager), committed: buffer.committed }, parentTraceparent);
  }
}
