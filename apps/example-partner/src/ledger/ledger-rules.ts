/**
 * The bank's rules for one leg, without I/O: what to do with an account's balance. Amounts are
 * integer minor units (bigint); nothing here ever sees a float.
 */

/** The largest balance an account may hold: 16 integer digits and 2 fraction digits, the wire's bound. */
export const MAX_BALANCE_MINOR = 999_999_999_999_999_999n;

export type LegRule =
  | { readonly outcome: 'move'; readonly newBalanceMinor: bigint }
  | { readonly outcome: 'decline'; readonly resultCode: 'Z9' | 'XH' | 'XI' | 'U31'; readonly reason: string };

export function decideLeg(direction: 'debit' | 'credit', amountMinor: bigint, balanceMinor: bigint | null): LegRule {
  if (amountMinor <= 0n) throw new Error('a leg amount is positive');
  if (balanceMinor === null) {
    return direction === 'debit' ? { outcome: 'decline', resultCode: 'XH', reason: 'remitter account not found' } : { outcome: 'decline', resultCode: 'XI', reason: 'beneficiary account not found' };
  }
  if (direction === 'debit') {
    // A customer account is never overdrawn.
    if (balanceMinor < amountMinor) return { outcome: 'decline', resultCode: 'Z9', reason: 'insufficient funds' };
    return { outcome: 'move', newBalanceMinor: balanceMinor - amountMinor };
  }
  if (balanceMinor + amountMinor > MAX_BALANCE_MINOR) return { outcome: 'decline', resultCode: 'U31', reason: 'credit would exceed the largest balance an account may hold' };
  return { outcome: 'move', newBalanceMinor: balanceMinor + amountMinor };
}
