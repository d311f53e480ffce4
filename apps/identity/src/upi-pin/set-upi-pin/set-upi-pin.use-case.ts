import { Injectable } from '@nestjs/common';
import type { ResultCode } from '@kirim/contracts';
import { LinkedBankAccountRepository } from '../../bank-accounts/linked-bank-account.repository';
import { UpiPinBank } from '../upi-pin-bank';

export interface SetUpiPinCommand {
  readonly userId: string;
  readonly linkedAccountId: string;
  /** The PIN block for the account's bank (purpose "set-pin" or "change-pin"); passed through unopened. */
  readonly encryptedPin: string;
}

export type SetUpiPinOutcome =
  | { readonly ok: true; readonly change: 'set' | 'changed' }
  | { readonly ok: false; readonly kind: 'not-linked' | 'not-supported' | 'unavailable' }
  | { readonly ok: false; readonly kind: 'rejected'; readonly resultCode: ResultCode; readonly detail: string };

/**
 * Sets or changes the UPI PIN of one of the caller's linked accounts (docs/upi-pin.md). The account
 * must be linked to the caller: another user's account answers as one that does not exist. The bank
 * decides whether this is a first PIN or a change and checks the current PIN; identity only routes
 * the PIN block, which it can neither read nor keep.
 */
@Injectable()
export class SetUpiPin {
  constructor(
    private readonly linkedAccounts: LinkedBankAccountRepository,
    private readonly bank: UpiPinBank,
  ) {}

  async execute(command: SetUpiPinCommand): Promise<SetUpiPinOutcome> {
    const account = (await this.linkedAccounts.listByUser(command.userId)).find((linked) => linked.id === command.linkedAccountId);
    if (!account) return { ok: false, kind: 'not-linked' };
    const answer = await this.bank.setPin(account.accountRef, command.encryptedPin);
    if (answer.ok) return answer;
    switch (answer.kind) {
      case 'account-not-found':
        return { ok: false, kind: 'not-supported' };
      case 'rejected':
        return answer;
      case 'unavailable':
        return { ok: false, kind: 'unavailable' };
      default: {
        const unhandled: never = answer;
        throw new Error(`unhandled bank answer ${JSON.stringify(unhandled)}`);
      }
    }
  }
}
