import { Injectable } from '@nestjs/common';
import { openPinBlock, RESULT_CODES, ResultCode } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { PIN_BLOCK_MEMORY_MS, recordPinDecision } from '../sandbox-pin-check';
import { SandboxPinKeys } from '../sandbox-pin-keys';
import { SandboxUpiPinRepository } from '../sandbox-upi-pin.repository';

export interface SetSandboxUpiPinCommand {
  readonly accountRef: string;
  /** A PIN block for the account's bank: purpose "set-pin" for the first PIN, "change-pin" with the current one after. */
  readonly encryptedPin: string;
}

export type SetSandboxUpiPinOutcome =
  | { readonly ok: true; readonly change: 'set' | 'changed' }
  | { readonly ok: false; readonly kind: 'account-not-found' }
  | { readonly ok: false; readonly kind: 'rejected'; readonly resultCode: ResultCode; readonly reason: string };

/**
 * Sets an account's first UPI PIN, or changes it with the current one, as the account's bank does
 * (docs/upi-pin.md): the account holds no PIN → the block must be a "set-pin" one; it holds one →
 * a "change-pin" block whose current PIN is checked like a payment's (a wrong one counts a try, and
 * a locked PIN cannot be changed, only reset). The bank decides which from its own record, so no
 * caller can overwrite a PIN with a "set" request. Who may ask is for the caller to check
 * (identity checks the account is linked to the user).
 */
@Injectable()
export class SetSandboxUpiPin {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly pins: SandboxUpiPinRepository,
    private readonly keys: SandboxPinKeys,
    private readonly clock: Clock,
  ) {}

  async execute(command: SetSandboxUpiPinCommand): Promise<SetSandboxUpiPinOutcome> {
    // A wrong current PIN must be counted even though the change is refused: the outcome is a value
    // and the transaction commits.
    return this.transactions.run(async (tx): Promise<SetSandboxUpiPinOutcome> => {
      const account = await this.pins.lockAccountPin(tx, command.accountRef);
      if (account === null) return { ok: false, kind: 'account-not-found' };
      const now = this.clock.now();
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const keyFor = (kid: string) => this.keys.privateKeyFor(account.bankCode, kid);
      const opened =
        account.pin === null
          ? await openPinBlock(command.encryptedPin, keyFor, { purpose: 'set-pin', nowSeconds })
          : await openPinBlock(command.encryptedPin, keyFor, { purpose: 'change-pin', nowSeconds });
      if (!opened.ok) return { ok: false, kind: 'rejected', resultCode: opened.resultCode, reason: opened.reason };
      if (!(await this.pins.takePinBlock(tx, opened.blockId, now, new Date(now.getTime() - PIN_BLOCK_MEMORY_MS)))) {
        return { ok: false, kind: 'rejected', resultCode: RESULT_CODES.PIN_BLOCK_INVALID, reason: 'this PIN block was used before' };
      }
      const verifier = this.keys.pinVerifierOf(account.bankCode);
      if (opened.block.purpose === 'change-pin') {
        const check = await verifier.check(account.pin, opened.block.pin);
        if (!check.ok) {
          await recordPinDecision(tx, this.pins, command.accountRef, account, check, now);
          return { ok: false, kind: 'rejected', resultCode: check.resultCode, reason: check.reason };
        }
      }
      // A change stores the new PIN's hash under the current key, which makes any upgrade moot.
      await this.pins.savePin(tx, command.accountRef, { pinHash: verifier.hash(opened.block.newPin), failedTries: 0 }, now);
      return { ok: true, change: opened.block.purpose === 'set-pin' ? 'set' : 'changed' };
    });
  }
}
