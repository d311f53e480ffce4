import { Logger } from '@nestjs/common';
import { describeError } from './describe-error';

const logger = new Logger('AfterCommit');

/**
 * What one transaction runs once it has committed (TransactionScope.afterCommit), in the order it
 * was asked. Most transactions ask for nothing, so the list is only made at the first callback.
 */
export class AfterCommitCallbacks {
  private callbacks: (() => void)[] | undefined;

  add(callback: () => void): void {
    (this.callbacks ??= []).push(callback);
  }

  /** Hands these callbacks on to `target`, after its own, and forgets them: a message's committed attempt joins its chunk. */
  moveTo(target: AfterCommitCallbacks): void {
    if (this.callbacks === undefined) return;
    for (const callback of this.callbacks) target.add(callback);
    this.callbacks = undefined;
  }

  /**
   * Runs them, once; call it after the commit and never after a rollback. The commit has happened
   * whatever a callback does, so one that throws is logged and the others still run.
   */
  run(): void {
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    if (callbacks === undefined) return;
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        logger.error(`a callback run after commit failed: ${describeError(error)}`);
      }
    }
  }
}
