import type { Pool, PoolClient } from 'pg';
import type { AccountLookupRequest, DeclineCode, LegDecision, LegRequest, PartnerAccount, PartnerBankPort, RecordedLeg, UpiPinCheck } from '@kirim/partner-kit';
import { generateRrn, maskedAccountNumber } from '../accounts/account-number';
import { inTransaction } from './database';
import { decideLeg } from './ledger-rules';

interface PostingRow {
  fingerprint: string;
  result_code: string;
  rrn: string | null;
  reason: string | null;
}

/** Most accounts a lookup lists (the contract's bound). */
const MAX_LOOKUP_ACCOUNTS = 20;

/**
 * The example bank's ledger in its own PostgreSQL database, behind the partner kit's port. The kit
 * runs find -> apply -> record in one transaction of `inTransaction`, so a balance changes only in
 * the transaction that records the answer, and a requestId moves money at most once. A debit moves
 * money only when the payer's UPI PIN authorizes it (`pins`, checked before the balance is read).
 */
export class PgPartnerLedger implements PartnerBankPort<PoolClient> {
  constructor(
    protected readonly pool: Pool,
    private readonly pins: UpiPinCheck<PoolClient>,
  ) {}

  inTransaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async findRecordedLeg(tx: PoolClient, requestId: string): Promise<RecordedLeg | null> {
    // Serialises every transaction on this requestId, whether a posting exists yet or not.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [requestId]);
    const { rows } = await tx.query<PostingRow>('SELECT fingerprint, result_code, rrn, reason FROM postings WHERE request_id = $1', [requestId]);
    const row = rows[0];
    if (!row) return null;
    const decision: LegDecision =
      row.result_code === '00' && row.rrn !== null
        ? { outcome: 'succeeded', rrn: row.rrn }
        : { outcome: 'declined', resultCode: row.result_code as DeclineCode, ...(row.reason ? { reason: row.reason } : {}) };
    return { fingerprint: row.fingerprint, decision };
  }

  async applyLeg(tx: PoolClient, leg: LegRequest): Promise<LegDecision> {
    const { rows } = await tx.query<{ balance_minor: string; currency: string }>('SELECT balance_minor, currency FROM accounts WHERE account_ref = $1 FOR UPDATE', [leg.accountRef]);
    const account = rows[0];
    if (account && account.currency !== leg.amount.currency) return { outcome: 'declined', resultCode: leg.direction === 'debit' ? 'U30' : 'U31', reason: 'currency not held by the account' };
    if (account && leg.direction === 'debit') {
      // The PIN before the balance: a wrong PIN must not learn whether the money is there. Only a
      // requestId with no recorded answer gets here, so a status check never needs the PIN again.
      const declined = await this.pins.authorizeDebit(tx, leg);
      if (declined) return declined;
    }
    const rule = decideLeg(leg.direction, leg.amount.minorUnits, account ? BigInt(account.balance_minor) : null);
    if (rule.outcome === 'decline') return { outcome: 'declined', resultCode: rule.resultCode, reason: rule.reason };
    await tx.query('UPDATE accounts SET balance_minor = $2 WHERE account_ref = $1', [leg.accountRef, rule.newBalanceMinor.toString()]);
    return { outcome: 'succeeded', rrn: generateRrn() };
  }

  async recordLeg(tx: PoolClient, leg: LegRequest, decision: LegDecision): Promise<void> {
    const succeeded = decision.outcome === 'succeeded';
    await tx.query(
      `INSERT INTO postings (request_id, fingerprint, direction, account_ref, payment_id, txn_id, amount_minor, currency, result_code, rrn, reason, moved, request_ce_id)
       VALUES ($1, $2, $3, (SELECT account_ref FROM accounts WHERE account_ref = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        leg.requestId,
        leg.fingerprint,
        leg.direction,
        leg.accountRef,
        leg.paymentId,
        leg.txnId,
        leg.amount.minorUnits.toString(),
        leg.amount.currency,
        succeeded ? '00' : decision.resultCode,
        succeeded ? decision.rrn : null,
        succeeded ? null : (decision.reason ?? null),
        succeeded,
        leg.envelope.ceId,
      ],
    );
  }

  async lookupAccounts(lookup: AccountLookupRequest): Promise<readonly PartnerAccount[]> {
    const { rows } = await this.pool.query<{ account_ref: string; account_number: string; holder_name: string }>(
      'SELECT account_ref, account_number, holder_name FROM accounts WHERE mobile = $1 ORDER BY opened_at, account_ref LIMIT $2',
      [lookup.mobile, MAX_LOOKUP_ACCOUNTS],
    );
    return rows.map((row) => ({ accountRef: row.account_ref, maskedAccountNumber: maskedAccountNumber(row.account_number), holderName: row.holder_name }));
  }
}
