import type { TransactionScope } from '@kirim/messaging';

/**
 * The slice of @kirim/messaging's UnitOfWork the use cases need, as a port (and Nest token), so
 * unit tests run use cases with an in-memory transaction. Wired with `useExisting: UnitOfWork`.
 */
export abstract class TransactionRunner {
  abstract run<T>(work: (tx: TransactionScope) => Promise<T>): Promise<T>;
}
