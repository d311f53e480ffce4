import type { DataSource } from 'typeorm';
import type { TransactionScope } from './messaging.types';
import { OutboxWriter } from './outbox/outbox-writer';

/**
 * The port use cases depend on to change state and emit events in one transaction, so unit tests
 * run them with an in-memory fake. UnitOfWork is its adapter; MessagingModule provides both.
 */
export abstract class TransactionRunner {
  abstract run<T>(work: (tx: TransactionScope) => Promise<T>, options?: { traceparent?: string }): Promise<T>;
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

  async run<T>(work: (tx: TransactionScope) => Promise<T>, options: { traceparent?: string } = {}): Promise<T> {
    const { value, written, committed } = await this.dataSource.transaction(async (manager) => {
      const scope = this.writer.open(manager, options.traceparent);
      const done = await work(scope);
      return { value: done, written: await scope.flush(), committed: scope.committed };
    });
    committed.run();
    if (written > 0) this.onMessagesCommitted();
    return value;
  }
}
