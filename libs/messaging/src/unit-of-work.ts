import type { DataSource } from 'typeorm';
import type { TransactionScope } from './messaging.types';
import { OutboxWriter } from './outbox/outbox-writer';

/**
 * The port use cases depend on to change state and emit events in one transaction, so unit tests
 * run them with an in-memory fake. UnitOfWork is its adapter; MessagingModule provides both.
 */
export abstract class TransactionRunner {
  abstract run<T>(work: (tx: TransactionScope) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface TransactionOptions {
  /** The caller's W3C traceparent: the messages continue its trace when no span is active. */
  readonly traceparent?: string;
  /**
   * The work writes with one statement, which is its own transaction (autocommit): no `BEGIN` and
   * `COMMIT` round trips. Its messages must be written by that statement (`rowsForOwnStatement`);
   * `publish` is refused. Whatever else it runs (a read) runs on its own, after or before. The
   * relay is woken for rows the statement wrote even if the work then fails; `afterCommit`
   * callbacks run only when the work completes.
   */
  readonly oneStatement?: boolean;
}

/**
 * Runs a use case in one database transaction whose outgoing events go to the outbox in that same
 * transaction: either the state change and its messages both happen, or neither does. What the use
 * case asked to run after the commit (`tx.afterCommit`) runs once the transaction has committed, and
 * not at all if it rolled back.
 */
export class UnitOfWork extends TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: OutboxWriter,
    /** Called after a commit that wrote messages, so the relay publishes them without waiting for its next poll. */
    private readonly onMessagesCommitted: () => void = () => undefined,
  ) {
    super();
  }

  async run<T>(work: (tx: TransactionScope) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (options.oneStatement === true) return this.runOneStatement(work, options.traceparent);
    const { value, written, committed } = await this.dataSource.transaction(async (manager) => {
      const scope = this.writer.open(manager, options.traceparent);
      const done = await work(scope);
      return { value: done, written: await scope.flush(), committed: scope.committed };
    });
    committed.run();
    if (written > 0) this.onMessagesCommitted();
    return value;
  }

  private async runOneStatement<T>(work: (tx: TransactionScope) => Promise<T>, traceparent?: string): Promise<T> {
    const buffer = this.writer.buffer();
    const manager = this.dataSource.manager;
    const scope = buffer.attach(
      {
        manager,
        publish: async (event) => {
          throw new Error(`${event.type} published in a one-statement unit: its statement writes its messages (rowsForOwnStatement)`);
        },
        afterCommit: (callback) => buffer.committed.add(callback),
      },
      traceparent,
    );
    let value: T;
    try {
      value = await work(scope);
    } finally {
      // Nothing is pending (publish is refused): this counts the rows the statement wrote, which
      // are committed with it even if the work failed after it; the relay need not wait a poll.
      if ((await buffer.flush(manager)) > 0) this.onMessagesCommitted();
    }
    // The callbacks run only when the work completes: a failure after the statement cannot say
    // whether it committed, so its metrics are not counted.
    buffer.committed.run();
    return value;
  }
}
