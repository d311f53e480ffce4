import { Money } from '@kirim/contracts';
import { InTransaction, PayerUsageQuery, PayerUsageRepository } from './payer-usage.repository';
import { checkPayerLimits, LimitRefusal, LimitWindows, limitFreesAt, PayerUsage, withFreesAt } from './payment-limits-policy';
import { SchemeProfile } from './scheme-profile';

/** Whose usage the limits measure for a payment with these windows: the payer's, in the profile's currency. */
export function payerUsageQuery(payerUserId: string, windows: LimitWindows, profile: SchemeProfile): PayerUsageQuery {
  return { payerUserId, currency: profile.currency, windowStart: windows.windowStart, coolingStart: windows.coolingStart };
}

/**
 * The payer limits over what the payer sent before (`usage`, measured under the payer's lock);
 * null when the payment fits them all. A refusal says when the limit frees up: only then are the
 * window's payments read, in `tx`.
 */
export async function payerLimitRefusal(
  payerUsage: PayerUsageRepository,
  tx: InTransaction,
  input: { readonly query: PayerUsageQuery; readonly usage: PayerUsage; readonly amount: Money; readonly windows: LimitWindows; readonly profile: SchemeProfile },
): Promise<LimitRefusal | null> {
  const { query, usage, amount, windows, profile } = input;
  const refused = checkPayerLimits({ amount, usage, windows, profile });
  if (!refused) return null;
  const oldestFirst = refused.limit === 'rolling-count' || refused.limit === 'rolling-amount' ? await payerUsage.windowPayments(tx, query) : [];
  return withFreesAt(refused, limitFreesAt(refused.limit, { amount, oldestFirst, windows, profile }));
}
