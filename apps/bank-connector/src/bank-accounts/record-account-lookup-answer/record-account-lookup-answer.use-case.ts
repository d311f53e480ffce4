import { Injectable, Logger } from '@nestjs/common';
import { PartnerAccountLookupAnswered } from '@kirim/contracts';
import { MessageRefusedError, TransactionScope } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { PartnerAccountLookupRepository } from '../partner-account-lookup.repository';

export interface RecordAccountLookupAnswerCommand {
  readonly answer: PartnerAccountLookupAnswered;
}

export type RecordAccountLookupAnswerOutcome = 'recorded' | 'duplicate';

/**
 * A partner bank's answer to an account lookup (signature verified before it got here), recorded
 * for the discovery request waiting on it. An answer to a lookup kirim never sent that bank is refused.
 */
@Injectable()
export class RecordAccountLookupAnswer {
  private readonly logger = new Logger(RecordAccountLookupAnswer.name);

  constructor(
    private readonly lookups: PartnerAccountLookupRepository,
    private readonly clock: Clock,
  ) {}

  async execute(tx: TransactionScope, { answer }: RecordAccountLookupAnswerCommand): Promise<RecordAccountLookupAnswerOutcome> {
    const lookup = await this.lookups.lockById(tx, answer.lookupId);
    if (!lookup || lookup.bankCode !== answer.bankCode) {
      this.logger.error({ bankCode: answer.bankCode, lookupId: answer.lookupId }, 'account lookup answer refused: kirim never asked this bank this lookup');
      throw new MessageRefusedError(`account lookup answer refused: kirim never sent lookup ${answer.lookupId} to ${answer.bankCode}`);
    }
    if (lookup.answered) return 'duplicate';
    await this.lookups.recordAnswer(tx, answer.lookupId, answer.accounts, this.clock.now());
    return 'recorded';
  }
}
