import type { KeyObject } from 'node:crypto';
import {
  openPinBlock,
  PIN_BLOCK_MAX_AGE_SECONDS,
  PIN_BLOCK_MAX_FUTURE_SKEW_SECONDS,
  PinVerificationKey,
  RESULT_CODES,
  ResultCode,
  StoredUpiPin,
  UpiPinDecision,
  UpiPinVerifier,
} from '@kirim/contracts';
import type { BankDecryptionKey } from '../keys/bank-keys';
import type { DeclineCode, LegDecision } from '../legs/partner-bank.port';
import type { LegRequest } from '../requests/partner-request';

/**
 * The bank's UPI PIN records, kept in its own database (the port UpiPinCheck works through). Every
 * method runs in the transaction of the debit or PIN change, after the bank locked the account row
 * (`SELECT ... FOR UPDATE`): one lock order, and concurrent debits of one account count their wrong
 * tries one after the other.
 */
export interface UpiPinStore<Tx> {
  /** The account's PIN record: a salted keyed hash (never the PIN) and the wrong tries counted; null when no PIN is set. */
  findPin(tx: Tx, accountRef: string): Promise<StoredUpiPin | null>;
  /** Stores a new PIN hash with no wrong tries (a set, a change, or a right PIN's hash upgraded to the current key). */
  savePin(tx: Tx, accountRef: string, pinHash: string, at: Date): Promise<void>;
  /** Stores a new count of wrong tries for an account that has a PIN. */
  saveFailedTries(tx: Tx, accountRef: string, failedTries: number, at: Date): Promise<void>;
  /**
   * Records that a PIN block was taken (by `blockId`, unique); false when it was taken before (a
   * replay). Records taken before `forgetBefore` may be dropped: a block that old is refused as stale.
   */
  takePinBlock(tx: Tx, blockId: string, at: Date, forgetBefore: Date): Promise<boolean>;
}

/** How long a taken PIN block must be remembered: past that, it is refused as stale anyway. */
export const PIN_BLOCK_MEMORY_MS = (PIN_BLOCK_MAX_AGE_SECONDS + PIN_BLOCK_MAX_FUTURE_SKEW_SECONDS) * 1000;

/** A debit the PIN does not authorize: answer it with this decline (nothing moves). */
export type PinDecline = Extract<LegDecision, { outcome: 'declined' }>;

export type PinChangeOutcome =
  | { readonly ok: true; readonly change: 'set' | 'changed' }
  | { readonly ok: false; readonly resultCode: DeclineCode; readonly reason: string };

/**
 * A bank's check of the UPI PIN (docs/upi-pin.md), as kirim's sandbox banks do it, so that a partner
 * does not write the sensitive part itself: the PIN block is opened with the bank's own encryption
 * key (the one kirim publishes as its PIN key; the header's kid picks it, so a key being rotated out
 * still opens blocks made for it), checked for what it is bound to (purpose, age, the debit's
 * amount), taken once only, and its PIN compared with the stored hash, counting wrong tries.
 *
 * PINs are hashed with the bank's PIN verification keys (docs/upi-pin.md): HMAC-SHA256 under a
 * secret key the bank keeps apart from the database, as an HSM keeps its PIN verification key;
 * `pinVerificationKeys` oldest first, the last one current (readPinVerificationKeys reads the file
 * `partner-keys` writes). A right PIN whose stored hash is under an older key, or a legacy scrypt
 * hash, is stored again under the current key in the same transaction (upgrade on use). A stored
 * hash under a key not given throws UnknownPinVerificationKeyError: nothing is decided and no try
 * is counted, and the bank's transaction rolls back.
 *
 * The bank brings the storage (UpiPinStore) and calls this inside its own transaction.
 */
export class UpiPinCheck<Tx> {
  private readonly keys: ReadonlyMap<string, KeyObject>;
  private readonly verifier: UpiPinVerifier;

  constructor(
    decryptionKeys: readonly BankDecryptionKey[],
    pinVerificationKeys: readonly PinVerificationKey[],
    private readonly store: UpiPinStore<Tx>,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (decryptionKeys.length === 0) throw new Error("the UPI PIN check needs the bank's private encryption key");
    if (pinVerificationKeys.length === 0) throw new Error("the UPI PIN check needs the bank's PIN verification key");
    this.keys = new Map(decryptionKeys.map((key) => [key.kid, key.privateKey]));
    this.verifier = new UpiPinVerifier(pinVerificationKeys);
  }

  /**
   * Null when the PIN authorizes `leg`, else the decline to answer with. Call it from `applyLeg`,
   * for a debit of an account the bank holds, after locking the account row and BEFORE looking at
   * the balance: a caller with a wrong PIN must not learn whether the money is there. The kit calls
   * `applyLeg` only for a requestId with no recorded answer, so a redelivery or a status check is
   * answered from the record and never needs the PIN again.
   *
   * - no PIN block: U30 (a status check for a debit this bank never received: it failed, nothing moved);
   * - a block that does not open, is not for "pay", is stale or from the future, or was taken before: U14;
   * - a block for another amount: U12;
   * - no PIN set for the account: U11; tries used up: Z6 whatever the PIN; a wrong PIN: ZM, one more try counted.
   * Refusals before the PIN comparison count no try: they say nothing about the PIN.
   *
   * A merchant's refund (purpose `refund`) carries no PIN: the merchant authorised it at kirim with
   * its API key, as a merchant's bank honours the refunds its acquirer sends under the merchant's
   * agreement (docs/merchants.md). It is let through here; a bank that wants its own check of it
   * (kirim's sandbox banks check that the refunded payment credited the account) makes it in
   * `applyLeg`. A refund that does carry a PIN block is refused: kirim never sends one.
   */
  async authorizeDebit(tx: Tx, leg: LegRequest): Promise<PinDecline | null> {
    if (leg.direction !== 'debit') throw new Error('only a debit is authorized with a UPI PIN');
    if (leg.purpose === 'refund') {
      return leg.encryptedPin === undefined ? null : decline(RESULT_CODES.PIN_BLOCK_INVALID, 'a refund debit carries no UPI PIN');
    }
    if (leg.encryptedPin === undefined) {
      return decline(RESULT_CODES.DEBIT_FAILED, 'the debit carries no UPI PIN and this bank has no record of it');
    }
    const at = this.now();
    const opened = await openPinBlock(leg.encryptedPin, (kid) => this.keys.get(kid), { purpose: 'pay', amount: leg.amount, nowSeconds: unixSeconds(at) });
    if (!opened.ok) return decline(opened.resultCode, opened.reason);
    if (!(await this.store.takePinBlock(tx, opened.blockId, at, new Date(at.getTime() - PIN_BLOCK_MEMORY_MS)))) {
      return decline(RESULT_CODES.PIN_BLOCK_INVALID, 'this PIN block was used before');
    }
    const stored = await this.store.findPin(tx, leg.accountRef);
    const check = await this.verifier.check(stored, opened.block.pin);
    await this.record(tx, leg.accountRef, stored, check, at);
    return check.ok ? null : decline(check.resultCode, check.reason);
  }

  /**
   * Sets the first PIN or changes it, from a PIN block the customer's device made for this bank, as
   * the bank's own channels take it. The bank's record decides which: an account without a PIN takes
   * only a "set-pin" block, one with a PIN only a "change-pin" block whose current PIN is checked like
   * a payment's (a wrong one counts a try; a locked PIN cannot be changed, only reset). So no request
   * can overwrite a PIN without knowing it. Call it after locking the account row; who may ask is the
   * caller's to check.
   */
  async setOrChange(tx: Tx, accountRef: string, encryptedPin: string): Promise<PinChangeOutcome> {
    const at = this.now();
    const nowSeconds = unixSeconds(at);
    const keyFor = (kid: string): KeyObject | undefined => this.keys.get(kid);
    const stored = await this.store.findPin(tx, accountRef);
    const opened =
      stored === null ? await openPinBlock(encryptedPin, keyFor, { purpose: 'set-pin', nowSeconds }) : await openPinBlock(encryptedPin, keyFor, { purpose: 'change-pin', nowSeconds });
    if (!opened.ok) return rejected(opened.resultCode, opened.reason);
    if (!(await this.store.takePinBlock(tx, opened.blockId, at, new Date(at.getTime() - PIN_BLOCK_MEMORY_MS)))) {
      return rejected(RESULT_CODES.PIN_BLOCK_INVALID, 'this PIN block was used before');
    }
    if (opened.block.purpose === 'change-pin') {
      const check = await this.verifier.check(stored, opened.block.pin);
      if (!check.ok) {
        await this.record(tx, accountRef, stored, check, at);
        return rejected(check.resultCode, check.reason);
      }
    }
    // A change stores the new PIN's hash, which replaces any upgrade of the current one.
    await this.store.savePin(tx, accountRef, this.verifier.hash(opened.block.newPin), at);
    return { ok: true, change: opened.block.purpose === 'set-pin' ? 'set' : 'changed' };
  }

  /** Stores what a decision changed: a right PIN's upgraded hash (tries back to 0), or a new count of wrong tries. */
  private async record(tx: Tx, accountRef: string, stored: StoredUpiPin | null, check: UpiPinDecision, at: Date): Promise<void> {
    if (stored === null) return;
    if (check.ok && check.upgradedPinHash !== null) await this.store.savePin(tx, accountRef, check.upgradedPinHash, at);
    else if (check.failedTries !== stored.failedTries) await this.store.saveFailedTries(tx, accountRef, check.failedTries, at);
  }
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

function declineCode(code: ResultCode): DeclineCode {
  if (code === RESULT_CODES.SUCCESS || code === RESULT_CODES.PENDING) throw new Error(`${code} is not a decline`);
  return code;
}

function decline(code: ResultCode, reason: string): PinDecline {
  return { outcome: 'declined', resultCode: declineCode(code), reason };
}

function rejected(code: ResultCode, reason: string): PinChangeOutcome {
  return { ok: false, resultCode: declineCode(code), reason };
}
