import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { InTransaction } from '@kirim/messaging';
import { FieldEncryption, LookupHasher } from '@kirim/platform';
import { DataSource } from 'typeorm';
import { LockedLookup, LookedUpAccount, PartnerAccountLookupRepository, RequestedLookup } from './partner-account-lookup.repository';

/** How often a waiting lookup looks for its answer: small against the bank's answer time, cheap for the database. */
const ANSWER_POLL_INTERVAL_MS = 50;

/**
 * The holder's name of each account in a stored answer is encrypted (docs/data-at-rest.md) under this
 * purpose. Answers are read back only within seconds (a waiting lookup, or reuse within 60 s), so the
 * re-encryption job need not walk them: a row old enough to outlive a key is never read again.
 */
const HOLDER_NAME_PURPOSE = 'partner_account_lookups.holder_name';

interface StoredAccount {
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  readonly holderNameEncrypted: string;
}

/**
 * The mobile number is kept as its keyed hash (LookupHasher, DATA_LOOKUP_KEY; docs/data-at-rest.md):
 * enough to find a recent answer for the same number, and, unlike a plain SHA-256, not reversible by
 * hashing every possible number.
 */
@Injectable()
export class TypeOrmPartnerAccountLookupRepository extends PartnerAccountLookupRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lookupHashes: LookupHasher,
    private readonly fields: FieldEncryption,
  ) {
    super();
  }

  async findAnswerSince(bankCode: string, mobile: string, since: Date): Promise<LookedUpAccount[] | null> {
    const rows = await this.dataSource.query<Array<{ accounts: StoredAccount[] }>>(
      `SELECT accounts FROM partner_account_lookups
        WHERE bank_code = $1 AND mobile_hash = $2 AND answered_at >= $3
        ORDER BY answered_at DESC LIMIT 1`,
      [bankCode, this.lookupHashes.phoneNumber(mobile), since],
    );
    return rows.length === 0 ? null : this.opened(rows[0].accounts);
  }

  async recordRequested(tx: InTransaction, lookup: RequestedLookup): Promise<void> {
    await tx.manager.query(`INSERT INTO partner_account_lookups (lookup_id, bank_code, mobile_hash, requested_at) VALUES ($1, $2, $3, $4)`, [
      lookup.lookupId,
      lookup.bankCode,
      this.lookupHashes.phoneNumber(lookup.mobile),
      lookup.requestedAt,
    ]);
  }

  async waitForAnswer(lookupId: string, timeoutMs: number): Promise<LookedUpAccount[] | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.dataSource.query<Array<{ accounts: StoredAccount[] | null }>>(`SELECT accounts FROM partner_account_lookups WHERE lookup_id = $1`, [lookupId]);
      const accounts = rows[0]?.accounts ?? null;
      if (accounts !== null) return this.opened(accounts);
      if (Date.now() + ANSWER_POLL_INTERVAL_MS > deadline) return null;
      await sleep(ANSWER_POLL_INTERVAL_MS);
    }
  }

  async lockById(tx: InTransaction, lookupId: string): Promise<LockedLookup | null> {
    const rows = await tx.manager.query<Array<{ lookup_id: string; bank_code: string; answered: boolean }>>(
      `SELECT lookup_id, bank_code, answered_at IS NOT NULL AS answered FROM partner_account_lookups WHERE lookup_id = $1 FOR UPDATE`,
      [lookupId],
    );
    return rows.length === 0 ? null : { lookupId: rows[0].lookup_id, bankCode: rows[0].bank_code, answered: rows[0].answered };
  }

  async recordAnswer(tx: InTransaction, lookupId: string, accounts: readonly LookedUpAccount[], at: Date): Promise<void> {
    const stored = accounts.map(
      ({ accountRef, maskedAccountNumber, holderName }): StoredAccount => ({ accountRef, maskedAccountNumber, holderNameEncrypted: this.fields.encrypt(HOLDER_NAME_PURPOSE, holderName) }),
    );
    await tx.manager.query(`UPDATE partner_account_lookups SET accounts = $2::jsonb, answered_at = $3 WHERE lookup_id = $1`, [lookupId, JSON.stringify(stored), at]);
  }

  private opened(accounts: readonly StoredAccount[]): LookedUpAccount[] {
    return accounts.map(({ accountRef, maskedAccountNumber, holderNameEncrypted }) => ({ accountRef, maskedAccountNumber, holderName: this.fields.decrypt(HOLDER_NAME_PURPOSE, holderNameEncrypted) }));
  }

  async deleteRequestedBefore(cutoff: Date): Promise<number> {
    const [, affected] = (await this.dataSource.query(`DELETE FROM partner_account_lookups WHERE requested_at < $1`, [cutoff])) as [unknown, number];
    return affected ?? 0;
  }
}
