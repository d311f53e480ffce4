import { Injectable } from '@nestjs/common';
import { checkUpiPin, Money, openPinBlock, PIN_BLOCK_MAX_AGE_SECONDS, PIN_BLOCK_MAX_FUTURE_SKEW_SECONDS, RESULT_CODES, ResultCode } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { SandboxPinKeys } from './sandbox-pin-keys';
import { SandboxUpiPinRepository } from './sandbox-upi-pin.repository';

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
 * the stored hash, counting wrong tries. Runs only for a debit the bank has no answer for yet: a
 * redelivery or a status check is answered from the recorded answer and never needs the PIN again.
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
    const check = await checkUpiPin(account.pin, opened.block.pin);
    if (account.pin !== null && check.failedTries !== account.pin.failedTries) {
      await this.pins.saveFailedTries(tx, debit.accountRef, check.failedTries, now);
    }
    return check.ok ? null : { resultCode: check.resultCode, reason: check.reason };
  }
}
