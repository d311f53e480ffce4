import type { Pool, PoolClient } from 'pg';
import type { PinChangeOutcome, UpiPinCheck } from '@kirim/partner-kit';
import { inTransaction } from '../ledger/database';
import type { PgUpiPinStore } from './pg-upi-pin-store';

export type SetUpiPinOutcome = PinChangeOutcome | { readonly ok: false; readonly kind: 'account-not-found' };
export type ResetUpiPinOutcome = { readonly ok: true; readonly cleared: boolean } | { readonly ok: false; readonly kind: 'account-not-found' };

/**
 * The bank's own PIN channel (its back office, here the admin API): set or change a customer's PIN
 * from a PIN block the customer's device encrypted for the bank (the kit's UpiPinCheck decides and
 * checks), and reset it (the PIN and its wrong tries are gone; the customer sets a new one). Each
 * locks the account row first, as a debit does, so a change never interleaves with a PIN check.
 */
export class UpiPins {
  constructor(
    private readonly pool: Pool,
    private readonly check: UpiPinCheck<PoolClient>,
    private readonly store: PgUpiPinStore,
  ) {}

  /** A refused block is a value, not a throw: a wrong current PIN is counted, so the transaction commits. */
  set(accountRef: string, encryptedPin: string): Promise<SetUpiPinOutcome> {
    return inTransaction(this.pool, async (tx): Promise<SetUpiPinOutcome> => {
      if (!(await lockAccount(tx, accountRef))) return { ok: false, kind: 'account-not-found' };
      return this.check.setOrChange(tx, accountRef, encryptedPin);
    });
  }

  reset(accountRef: string): Promise<ResetUpiPinOutcome> {
    return inTransaction(this.pool, async (tx): Promise<ResetUpiPinOutcome> => {
      if (!(await lockAccount(tx, accountRef))) return { ok: false, kind: 'account-not-found' };
      return { ok: true, cleared: await this.store.clearPin(tx, accountRef) };
    });
  }
}

async function lockAccount(tx: PoolClient, accountRef: string): Promise<boolean> {
  const { rowCount } = await tx.query('SELECT 1 FROM accounts WHERE account_ref = $1 FOR UPDATE', [accountRef]);
  return rowCount === 1;
}
