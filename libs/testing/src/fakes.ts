// In-memory stand-ins for the ports every service shares, for unit tests (*.spec.ts) only.
// They match @kirim/messaging's TransactionScope and TransactionRunner by shape rather than by
// import: messaging's own tests use this library, and a library pair may not depend both ways.
import type { EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '@kirim/platform';

/** An event as a use case publishes it (the shape of messaging's OutgoingEvent). */
export interface PublishedEvent<T extends object = object> {
  readonly type: string;
  readonly key: string;
  readonly data: T;
  readonly subject?: string;
}

/** A transaction that only collects what was published, and what to run once it commits (`commit()` runs it). */
export class FakeTransactionScope {
  readonly manager = {} as EntityManager;
  readonly published: PublishedEvent[] = [];
  private readonly runAfterCommit: (() => void)[] = [];

  async publish<T extends object>(event: PublishedEvent<T>): Promise<void> {
    this.published.push(event);
  }

  afterCommit(callback: () => void): void {
    this.runAfterCommit.push(callback);
  }

  /** The transaction commits: what the work asked to run after the commit runs, once. A scope never committed rolled back. */
  commit(): void {
    for (const callback of this.runAfterCommit.splice(0)) callback();
  }
}

/** Collects what a transaction published; only committed (non-throwing) work reaches `published` and runs its afterCommit callbacks. */
export class FakeTransactionRunner {
  readonly published: PublishedEvent[] = [];
  transactions = 0;

  async run<T>(work: (tx: FakeTransactionScope) => Promise<T>): Promise<T> {
    const scope = new FakeTransactionScope();
    const result = await work(scope);
    this.transactions += 1;
    this.published.push(...scope.published);
    scope.commit();
    return result;
  }
}

export class FixedClock extends Clock {
  constructor(public current = new Date('2026-11-28T10:00:00.000Z')) {
    super();
  }

  now(): Date {
    return this.current;
  }
}

/** Deterministic, valid v4-shaped uuids: ...-4000-8000-000000000001, 2, 3, ... */
export class SequentialIds extends IdGenerator {
  private next = 1;

  uuid(): string {
    const n = (this.next++).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${n}`;
  }
}
