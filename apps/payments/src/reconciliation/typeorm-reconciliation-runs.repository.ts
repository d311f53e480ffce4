import { Injectable } from '@nestjs/common';
import { BankLegState, Currency, Money, PaymentStatus, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { DataSource } from 'typeorm';
import type { LegExpectation, LegName, MismatchKind } from './leg-comparison';
import { MismatchPageQuery, NewRun, ReconciliationRun, ReconciliationRunStatus, ReconciliationRuns, ReconciliationTrigger, StoredMismatch } from './reconciliation-runs.repository';

interface RunRow {
  id: string;
  trigger: ReconciliationTrigger;
  requested_by: string | null;
  status: ReconciliationRunStatus;
  started_at: Date;
  finished_at: Date | null;
  payments_checked: number;
  legs_checked: number;
  mismatches: number;
  failure_reason: string | null;
  by_kind: { kind: MismatchKind; count: number }[] | null;
}

interface MismatchRow {
  id: string;
  run_id: string;
  payment_id: string;
  payment_status: PaymentStatus;
  leg: LegName | 'unexpected';
  request_id: string;
  kind: MismatchKind;
  expected: LegExpectation | null;
  bank_state: BankLegState;
  expected_amount_minor: string | null;
  bank_amount_minor: string | null;
  currency: string;
  detail: string;
}

const RUN_COLUMNS = `r.id, r.trigger, r.requested_by, r.status, r.started_at, r.finished_at, r.payments_checked, r.legs_checked, r.mismatches, r.failure_reason,
  (SELECT json_agg(json_build_object('kind', k.kind, 'count', k.count) ORDER BY k.kind)
     FROM (SELECT kind, count(*)::int AS count FROM reconciliation_mismatches m WHERE m.run_id = r.id GROUP BY kind) k) AS by_kind`;

const MAX_TEXT = 300;
const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TypeOrmReconciliationRuns extends ReconciliationRuns {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async start(run: NewRun): Promise<{ readonly started: true } | { readonly started: false; readonly runningRunId: string }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE reconciliation_runs SET status = 'failed', finished_at = $2, failure_reason = 'abandoned: its process stopped before it finished'
          WHERE status = 'running' AND started_at < $1`,
        [run.abandonedBefore, run.startedAt],
      );
      try {
        // A savepoint, so a conflict leaves the transaction usable for the read below.
        await manager.query('SAVEPOINT start_run');
        await manager.query(`INSERT INTO reconciliation_runs (id, trigger, requested_by, status, started_at) VALUES ($1, $2, $3, 'running', $4)`, [
          run.runId,
          run.trigger,
          run.requestedBy,
          run.startedAt,
        ]);
        return { started: true as const };
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await manager.query('ROLLBACK TO SAVEPOINT start_run');
        const [running] = await manager.query<{ id: string }[]>(`SELECT id FROM reconciliation_runs WHERE status = 'running'`);
        return { started: false as const, runningRunId: running?.id ?? 'unknown' };
      }
    });
  }

  async complete(runId: string, result: Parameters<ReconciliationRuns['complete']>[1]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (result.mismatches.length > 0) {
        const rows = result.mismatches.map((m, n) => ({
          n,
          payment_id: m.paymentId,
          payment_status: m.paymentStatus,
          leg: m.leg,
          request_id: m.requestId,
          kind: m.kind,
          expected: m.expected,
          bank_state: m.bankState,
          expected_amount_minor: m.expectedAmount?.minorUnits.toString() ?? null,
          bank_amount_minor: m.bankAmount?.minorUnits.toString() ?? null,
          currency: (m.expectedAmount ?? m.bankAmount)?.currency ?? 'INR',
          detail: m.detail.slice(0, MAX_TEXT),
        }));
        // One statement for all of them, in finding order (ids follow it).
        await manager.query(
          `INSERT INTO reconciliation_mismatches
             (run_id, payment_id, payment_status, leg, request_id, kind, expected, bank_state, expected_amount_minor, bank_amount_minor, currency, detail)
           SELECT $1, m.payment_id, m.payment_status, m.leg, m.request_id, m.kind, m.expected, m.bank_state, m.expected_amount_minor, m.bank_amount_minor, m.currency, m.detail
             FROM jsonb_to_recordset($2::jsonb) AS m(n int, payment_id uuid, payment_status text, leg text, request_id uuid, kind text, expected text,
                  bank_state text, expected_amount_minor bigint, bank_amount_minor bigint, currency text, detail text)
            ORDER BY m.n`,
          [runId, JSON.stringify(rows)],
        );
      }
      await manager.query(
        `UPDATE reconciliation_runs SET status = 'completed', finished_at = $2, payments_checked = $3, legs_checked = $4, mismatches = $5 WHERE id = $1 AND status = 'running'`,
        [runId, result.finishedAt, result.paymentsChecked, result.legsChecked, result.mismatches.length],
      );
    });
  }

  async fail(runId: string, result: Parameters<ReconciliationRuns['fail']>[1]): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_runs SET status = 'failed', finished_at = $2, payments_checked = $3, legs_checked = $4, failure_reason = $5 WHERE id = $1 AND status = 'running'`,
      [runId, result.finishedAt, result.paymentsChecked, result.legsChecked, result.reason.slice(0, MAX_TEXT)],
    );
  }

  async find(runId: string): Promise<ReconciliationRun | null> {
    const rows = await this.dataSource.query<RunRow[]>(`SELECT ${RUN_COLUMNS} FROM reconciliation_runs r WHERE r.id = $1`, [runId]);
    return rows.length === 0 ? null : toRun(rows[0]);
  }

  async latest(): Promise<ReconciliationRun | null> {
    const rows = await this.dataSource.query<RunRow[]>(`SELECT ${RUN_COLUMNS} FROM reconciliation_runs r ORDER BY r.started_at DESC, r.id DESC LIMIT 1`);
    return rows.length === 0 ? null : toRun(rows[0]);
  }

  async mismatches(query: MismatchPageQuery): Promise<StoredMismatch[]> {
    const rows = await this.dataSource.query<MismatchRow[]>(
      `SELECT id::text AS id, run_id, payment_id, payment_status, leg, request_id, kind, expected, bank_state,
              expected_amount_minor::text AS expected_amount_minor, bank_amount_minor::text AS bank_amount_minor, currency, detail
         FROM reconciliation_mismatches
        WHERE run_id = $1 AND id > $2 AND ($3::text IS NULL OR kind = $3)
        ORDER BY id
        LIMIT $4`,
      [query.runId, query.after ?? '0', query.kind ?? null, query.limit],
    );
    return rows.map(toMismatch);
  }
}

function toRun(row: RunRow): ReconciliationRun {
  return {
    runId: row.id,
    trigger: row.trigger,
    requestedBy: row.requested_by,
    status: row.status,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    paymentsChecked: row.payments_checked,
    legsChecked: row.legs_checked,
    mismatches: row.mismatches,
    mismatchesByKind: row.by_kind ?? [],
    failureReason: row.failure_reason,
  };
}

function toMismatch(row: MismatchRow): StoredMismatch {
  const currency = SUPPORTED_CURRENCIES.find((known) => known === row.currency.trim()) as Currency | undefined;
  const money = (minor: string | null): Money | null => (minor === null || !currency ? null : Money.ofMinor(BigInt(minor), currency));
  return {
    mismatchId: row.id,
    runId: row.run_id,
    paymentId: row.payment_id,
    paymentStatus: row.payment_status,
    leg: row.leg,
    requestId: row.request_id,
    kind: row.kind,
    expected: row.expected,
    bankState: row.bank_state,
    expectedAmount: money(row.expected_amount_minor),
    bankAmount: money(row.bank_amount_minor),
    detail: row.detail,
  };
}
