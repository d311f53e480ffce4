import { Injectable, Logger } from '@nestjs/common';
import { PartnerAccountLookupAnswered, PlatformDecryptionKeys } from '@kirim/contracts';
import { MessageRefusedError, TransactionScope } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { LookedUpAccount, PartnerAccountLookupRepository } from '../partner-account-lookup.repository';

export interface RecordAccountLookupAnswerCommand {
  readonly answer: PartnerAccountLookupAnswered;
}

export type RecordAccountLookupAnswerOutcome = 'recorded' | 'duplicate';

/**
 * A partner bank's answer to an account lookup (signature verified before it got here), recorded
 * for the discovery request waiting on it. An answer to a lookup kirim never sent that bank is
 * refused, and so is one whose holder names kirim cannot open with its own encryption key (a kid it
 * does not hold, an altered JWE, something else than a name): the whole answer is dead-lettered with
 * the reason, and nothing of it is recorded.
 */
@Injectable()
export class RecordAccountLookupAnswer {
  private readonly logger = new Logger(RecordAccountLookupAnswer.name);

  constructor(
    private readonly lookups: PartnerAccountLookupRepository,
    private readonly holderNames: PlatformDecryptionKeys,
    private readonly clock: Clock,
  ) {}

  async execute(tx: TransactionScope, { answer }: RecordAccountLookupAnswerCommand): Promise<RecordAccountLookupAnswerOutcome> {
    const lookup = await this.lookups.lockById(tx, answer.lookupId);
    if (!lookup || lookup.bankCode !== answer.bankCode) {
      this.logger.error({ bankCode: answer.bankCode, lookupId: answer.lookupId }, 'account lookup answer refused: kirim never asked this bank this lookup');
      throw new MessageRefusedError(`account lookup answer refused: kirim never sent lookup ${answer.lookupId} to ${answer.bankCode}`);
    }
    // Opened before the duplicate check, so a malformed repeat is reported too rather than skipped.
    const accounts: LookedUpAccount[] = [];
    for (const [index, account] of answer.accounts.entries()) {
      const opened = await this.holderNames.openHolderName(account.encryptedHolderName);
      if (!opened.ok) {
        // The reason names the kid at most, never the name or the ciphertext.
        this.logger.error({ bankCode: answer.bankCode, lookupId: answer.lookupId, account: index, reason: opened.reason }, 'account lookup answer refused: a holder name does not open with our encryption key');
        throw new MessageRefusedError(`account lookup answer refused: accounts[${index}].${opened.reason}`);
      }
      accounts.push({ accountRef: account.accountRef, maskedAccountNumber: account.maskedAccountNumber, holderName: opened.holderName });
    }
    if (lookup.answered) return 'duplicate';
    await this.lookups.recordAnswer(tx, answer.lookupId, accounts, this.clock.now());
    return 'recorded';
  }
}
