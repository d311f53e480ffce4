import { Injectable } from '@nestjs/common';
import { Money, openPinBlock, PIN_BLOCK_MAX_AGE_SECONDS, PIN_BLOCK_MAX_FUTURE_SKEW_SECONDS, RESULT_CODES, ResultCode, UpiPinDecision } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { SandboxPinKeys } from './sandbox-pin-keys';
import { SandboxPinAccount, SandboxUpiPinRepository } from './sandbox-upi-pin.repository';

/** A debit the PIN does not authorize: declined with this code (never a dead letter). */
export interface PinDecline {
  readonly resultCode: ResultCode;
  readonly reason: string;
}

export interface DebitToAuthorize {
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amount: Money;
  readonly encryptedPin?: string;
}

/** How long a taken PIN block is remembered: past that it is refused as stale anyway. */
export const PIN_BLOCK_MEMORY_MS = (PIN_BLOCK_MAX_AGE_SECONDS + PIN_BLOCK_MAX_FUTURE_SKEW_SECONDS) * 1000;

/**
 * The sandbox banks' check of the UPI PIN on a debit, as an issuing bank does it (docs/upi-pin.md),
 * in the debit's transaction: opens the PIN block with the bank's private key, checks its binding
 * (purpose "pay", fresh, this debit's amount) and that it was not taken before, then the PIN against
 * the stored keyed hash (the bank's PIN verification keys), counting wrong tries. Runs only for a
 * debit the bank has no answer for yet: a redelivery or a status check is answered from the recorded
 * answer and never needs the PIN again.
 */
@Injectable()
export class SandboxPinCheck {
  constructor(
    private readonly keys: SandboxPinKeys,
    private readonly pins: SandboxUpiPinRepository,
    private readonly clock: Clock,
  ) {}

  async authorizeDebit(tx: InTransaction, debit: DebitToAuthorize): Promise<PinDecline | null> {
    const account = await this.pins.lockAccountPin(tx, debit.accountRef);
    // An account this bank does not hold is the ledger's decline (XH), not the PIN's.
    if (account === null || account.bankCode !== debit.bankCode) return null;
    if (debit.encryptedPin === undefined) {
      // Payments sends the PIN with every first debit; one without is a status check for a debit
      // that never arrived. It failed (U30): nothing was debited, and the PIN is never re-sent.
      return { resultCode: RESULT_CODES.DEBIT_FAILED, reason: 'the debit carries no UPI PIN and this bank has no record of it' };
    }
    const now = this.clock.now();
    const opened = await openPinBlock(debit.encryptedPin, (kid) => this.keys.privateKeyFor(debit.bankCode, kid), {
      purpose: 'pay',
      amount: debit.amount,
      nowSeconds: Math.floor(now.getTime() / 1000),
    });
    if (!opened.ok) return { resultCode: opened.resultCode, reason: opened.reason };
    if (!(await this.pins.takePinBlock(tx, opened.blockId, now, new Date(now.getTime() - PIN_BLOCK_MEMORY_MS)))) {
      return { resultCode: RESULT_CODES.PIN_BLOCK_INVALID, reason: 'this PIN block was used before' };
    }
    const check = await this.keys.pinVerifierOf(debit.bankCode).check(account.pin, opened.block.pin);
    await recordPinDecision(tx, this.pins, debit.accountRef, account, check, now);
    return check.ok ? null : { resultCode: check.resultCode, reason: check.reason };
  }
}

/**
 * Stores what a PIN decision changed, in the caller's transaction: a right PIN whose hash was a
 * legacy scrypt one or under an older verification key gets its hash under the current key (upgrade
 * on use; the tries go back to 0 with it), else a changed count of wrong tries.
 */
export async function recordPinDecision(tx: InTransaction, pins: SandboxUpiPinRepository, accountRef: string, account: SandboxPinAccount, check: UpiPinDecision, at: Date): Promise<void> {
  if (account.pin === null) return;
  if (check.ok && check.upgradedPinHash !== null) await pins.savePin(tx, accountRef, { pinHash: check.upgradedPinHash, failedTries: 0 }, at);
  else if (check.failedTries !== account.pin.failedTries) await pins.saveFailedTries(tx, accountRef, check.failedTries, at);
}
