import { RESULT_CODES, ResultCode } from '@kirim/contracts';
import { SandboxAccountFreeze, SandboxAccountKind } from './sandbox-account.entity';
import { LegDirection } from './sandbox-posting.entity';

/** What the rules need to know about the account a leg names (read under `FOR UPDATE`). */
export interface LedgerAccountState {
  readonly bankCode: string;
  readonly kind: SandboxAccountKind;
  readonly currency: string;
  readonly balanceMinor: bigint;
  readonly freeze: SandboxAccountFreeze;
}

export interface LedgerLegRequest {
  readonly direction: LegDirection;
  readonly bankCode: string;
  readonly currency: string;
  readonly amountMinor: bigint;
}

export type LedgerDecision =
  | { readonly approved: true; readonly customerDeltaMinor: bigint }
  | { readonly approved: false; readonly resultCode: ResultCode; readonly reason: string };

/** UPI's codes for "account not found": XH on the remitter (debit) side, XI on the beneficiary (credit) side. */
export function accountMissingCode(direction: LegDirection): ResultCode {
  return direction === 'debit' ? RESULT_CODES.REMITTER_ACCOUNT_MISSING : RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING;
}

/** Whether a freeze of this kind stops money moving in `direction` (credit: in, debit: out). */
export function freezeStops(freeze: SandboxAccountFreeze, direction: LegDirection): boolean {
  return freeze === 'total' || freeze === direction;
}

/** UPI's codes for a blocked or frozen account: YE on the remitter (debit) side, YF on the beneficiary (credit) side. */
export function accountFrozenCode(direction: LegDirection): ResultCode {
  return direction === 'debit' ? RESULT_CODES.REMITTER_ACCOUNT_FROZEN : RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN;
}

/** Technical failure of a leg at the bank (U30 debit failed / U31 credit failed). */
export function legFailedCode(direction: LegDirection): ResultCode {
  return direction === 'debit' ? RESULT_CODES.DEBIT_FAILED : RESULT_CODES.CREDIT_FAILED;
}

/**
 * Decides a leg against the locked account. A debit moves money from the customer to the bank's
 * settlement account, a credit the other way; the returned delta is the change to the customer's
 * balance. Pure, so every rule is unit-tested without a database.
 *
 * Order: whether the bank holds the account, whether the leg is well formed, then the account's
 * standing (a freeze) before its funds, as a bank refuses a frozen account whatever its balance. The
 * UPI PIN of a debit is checked before all of these (by the caller), so that only a payer who knows
 * the PIN learns that the account is frozen or short of money.
 */
export function decideLeg(account: LedgerAccountState | null, leg: LedgerLegRequest): LedgerDecision {
  // An account at another bank is as unknown to this bank as one that does not exist.
  if (account === null || account.kind !== 'customer' || account.bankCode !== leg.bankCode) {
    return { approved: false, resultCode: accountMissingCode(leg.direction), reason: 'account not found at this bank' };
  }
  if (leg.amountMinor <= 0n) {
    return { approved: false, resultCode: legFailedCode(leg.direction), reason: 'amount must be positive' };
  }
  if (account.currency !== leg.currency) {
    return { approved: false, resultCode: legFailedCode(leg.direction), reason: 'currency does not match the account' };
  }
  if (freezeStops(account.freeze, leg.direction)) {
    return { approved: false, resultCode: accountFrozenCode(leg.direction), reason: `account is frozen for ${leg.direction}s` };
  }
  switch (leg.direction) {
    case 'debit':
      if (account.balanceMinor < leg.amountMinor) {
        return { approved: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, reason: 'insufficient funds' };
      }
      return { approved: true, customerDeltaMinor: -leg.amountMinor };
    case 'credit':
      return { approved: true, customerDeltaMinor: leg.amountMinor };
  }
}

/**
 * A 12-digit account number, not starting with 0. `randomBelow(n)` returns an integer in [0, n);
 * injected so tests are deterministic (production passes crypto.randomInt).
 */
export function generateAccountNumber(randomBelow: (exclusiveMax: number) => number): string {
  const first = 1 + randomBelow(9);
  const rest = randomBelow(100_000_000_000);
  return `${first}${rest.toString().padStart(11, '0')}`;
}

/** A leg as the ledger recorded it under its request id. */
export interface RecordedLeg {
  readonly paymentId: string | null;
  readonly purpose: string;
  readonly direction: string;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

/**
 * Null when `leg` is the leg recorded under its request id (a redelivery or a status check);
 * otherwise the fields that differ. A request id never names two legs.
 */
export function differenceFromRecordedLeg(
  leg: Pick<RecordedLeg, 'purpose' | 'direction' | 'bankCode' | 'accountRef' | 'amountMinor' | 'currency'> & { readonly paymentId: string },
  recorded: RecordedLeg,
): string | null {
  const differing: string[] = [];
  if (recorded.paymentId !== leg.paymentId) differing.push('paymentId');
  if (recorded.purpose !== leg.purpose) differing.push('purpose');
  if (recorded.direction !== leg.direction) differing.push('direction');
  if (recorded.bankCode !== leg.bankCode) differing.push('bankCode');
  if (recorded.accountRef !== leg.accountRef) differing.push('account');
  if (recorded.amountMinor !== leg.amountMinor || recorded.currency !== leg.currency) differing.push('amount');
  return differing.length === 0 ? null : differing.join(', ');
}
