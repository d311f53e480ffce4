import { Injectable, Logger } from '@nestjs/common';
import { DeadLetterReplayer, ReplayResult } from '@kirim/messaging';

export interface ReplayDeadLetterCommand {
  readonly deadLetterId: string;
  /** Who asked, as the operator API authenticated them. */
  readonly operator: string;
}

/**
 * An operator replays a dead-lettered record once its cause is fixed (docs/operations.md): the
 * messaging layer applies it exactly as the consumer would have, in one transaction with the inbox
 * record and the dead letter's new status; payments' onReplayed hook clears the payment's flag in that
 * same transaction. Every attempt is logged with the operator's name and how it ended.
 */
@Injectable()
export class ReplayDeadLetter {
  private readonly logger = new Logger(ReplayDeadLetter.name);

  constructor(private readonly replayer: DeadLetterReplayer) {}

  async execute(command: ReplayDeadLetterCommand): Promise<ReplayResult> {
    const result = await this.replayer.replay(command.deadLetterId);
    const context = { operator: command.operator, deadLetterId: command.deadLetterId, outcome: result.outcome };
    if (result.outcome === 'replayed') this.logger.warn(context, 'dead letter replayed by an operator');
    else this.logger.warn({ ...context, ...(result.outcome === 'failed' || result.outcome === 'not-replayable' ? { reason: result.reason } : {}) }, 'dead letter replay by an operator did not apply it');
    return result;
  }
}
