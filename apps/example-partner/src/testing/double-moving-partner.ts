/**
 * A deliberately broken partner bank, for the conformance test's own test: the example partner with
 * one defect injected, a ledger that forgets its recorded answers, so a repeated requestId is decided
 * afresh instead of answered from the record (a debit would move money again, were it not that
 * kirim's repeat carries no PIN), and a reused requestId is answered instead of refused. Never built
 * into dist.
 *
 *   node -r ./tools/ts-register.cjs apps/example-partner/src/testing/double-moving-partner.ts
 */
import 'reflect-metadata';
import type { PoolClient } from 'pg';
import type { LegDecision, LegRequest, RecordedLeg } from '@kirim/partner-kit';
import { runExamplePartnerProcess } from '../example-partner.process';
import { PgPartnerLedger } from '../ledger/pg-partner-ledger';

class ForgetfulLedger extends PgPartnerLedger {
  override async findRecordedLeg(): Promise<RecordedLeg | null> {
    return null;
  }

  override async recordLeg(tx: PoolClient, leg: LegRequest, decision: LegDecision): Promise<void> {
    await tx.query('DELETE FROM postings WHERE request_id = $1', [leg.requestId]);
    await super.recordLeg(tx, leg, decision);
  }
}

runExamplePartnerProcess({ ledger: (pool, pins) => new ForgetfulLedger(pool, pins) });
