import { Client } from 'pg';
import { testDatabaseServerUrl } from '@kirim/testing';
import { Api, LedgerSummary } from '../../apps/e2e/src/support/api';
import { AcceptedPayment, LedgerTotals, LegKind, PostedLeg, RunAccount } from './run-verdict';
import { backoffMs, errorText, sleep, withTimeout } from './task-pool';

/**
 * The sandbox bank's ledger as an auditor reads it, for the run verdict:
 * - the totals from bank-connector's sandbox administration API (GET /v1/sandbox/ledger/summary,
 *   on its own port, as the bench always did);
 * - the approved postings of the run's payments and the run's accounts' balances straight from
 *   bank-connector's database (kirim_bank_connector), as the test server's superuser, the way the
 *   e2e audits read the stack's databases. Postings, entries and balances are not encrypted; only
 *   account numbers, holder names and mobiles are, and none of those is read here.
 *
 * Every read is retried while bank-connector or PostgreSQL restarts, up to `patienceMs`.
 */

const BANK_CONNECTOR_DATABASE = 'kirim_bank_connector';

export interface LedgerReadOptions {
  /** How long to keep retrying while the database or bank-connector is unavailable. */
  readonly patienceMs?: number;
  readonly log?: (message: string) => void;
}

async function retrying<T>(what: string, read: () => Promise<T>, { patienceMs = 180_000, log }: LedgerReadOptions): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTimeout(read(), 60_000, what);
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`${what}: ${errorText(error)} (gave up after ${patienceMs} ms)`);
      if (attempt === 0) log?.(`${what} failed (${errorText(error)}); retrying while the stack recovers`);
      await sleep(backoffMs(attempt));
    }
  }
}

/** The ledger totals (INR), from the sandbox administration API. */
export async function readLedgerTotals(api: Api, options: LedgerReadOptions = {}): Promise<LedgerTotals> {
  const summary = await retrying('reading the sandbox ledger summary', () => api.ledgerSummary(), options);
  return ledgerTotalsOf(summary);
}

export function ledgerTotalsOf(summary: LedgerSummary): LedgerTotals {
  return {
    totalMinor: BigInt(summary.totalMinorUnitsByCurrency.INR ?? '0'),
    customerTotalMinor: BigInt(summary.customerTotalMinorUnitsByCurrency.INR ?? '0'),
    unreconciledAccounts: summary.unreconciledAccounts,
  };
}

async function query<Row>(sql: string, params: unknown[]): Promise<Row[]> {
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${BANK_CONNECTOR_DATABASE}`;
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
  // A connection dropped by a server restart emits 'error'; the query's own rejection reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

function legKind(purpose: string, direction: string): LegKind | 'other' {
  if (purpose === 'payment' && direction === 'debit') return 'payment-debit';
  if (purpose === 'payment' && direction === 'credit') return 'payment-credit';
  if (purpose === 'reversal' && direction === 'credit') return 'reversal-credit';
  return 'other';
}

/** A leg (balance null) or an account's balance (the leg's columns null). */
interface LedgerRow {
  readonly payment_id: string | null;
  readonly request_id: string | null;
  readonly purpose: string | null;
  readonly direction: string | null;
  readonly account_ref: string;
  readonly movement: string | null;
  readonly balance: string | null;
}

export interface RunLedger {
  readonly legs: PostedLeg[];
  readonly strangerPaymentIds: string[];
  readonly balances: Map<string, bigint>;
}

/**
 * The approved legs of `payments`, any other payment that moved money on `accountRefs`, and those
 * accounts' balances, read in one statement so that they describe one moment (one snapshot).
 */
export async function readRunLedger(payments: readonly AcceptedPayment[], accountRefs: readonly string[], options: LedgerReadOptions = {}): Promise<RunLedger> {
  const paymentIds = payments.map((payment) => payment.paymentId);
  const rows = await retrying(
    `reading the sandbox ledger (${BANK_CONNECTOR_DATABASE})`,
    () =>
      query<LedgerRow>(
        // The movement is what the posting's entries did to the customer account it names (its
        // other entry is the bank's settlement account).
        `WITH legs AS (
           SELECT p.payment_id::text, p.request_id::text, p.purpose, p.direction, p.customer_account_id::text AS account_ref,
                  (SELECT COALESCE(SUM(e.amount_minor), 0) FROM sandbox_ledger_entries e
                    WHERE e.posting_id = p.id AND e.account_id = p.customer_account_id)::text AS movement,
                  NULL::text AS balance
             FROM sandbox_postings p
            WHERE p.result_code = '00' AND p.purpose <> 'opening'
              AND (p.payment_id = ANY($1::uuid[]) OR p.customer_account_id = ANY($2::uuid[]))
         )
         SELECT * FROM legs
         UNION ALL
         SELECT NULL, NULL, NULL, NULL, a.id::text, NULL, a.balance_minor::text FROM sandbox_accounts a WHERE a.id = ANY($2::uuid[])`,
        [paymentIds, accountRefs],
      ),
    options,
  );
  const accepted = new Set(paymentIds);
  const legs: PostedLeg[] = [];
  const strangers = new Set<string>();
  const balances = new Map<string, bigint>();
  for (const row of rows) {
    if (row.balance !== null) {
      balances.set(row.account_ref, BigInt(row.balance));
      continue;
    }
    if (row.payment_id !== null && accepted.has(row.payment_id)) {
      legs.push({
        paymentId: row.payment_id,
        requestId: row.request_id ?? '',
        kind: legKind(row.purpose ?? '', row.direction ?? ''),
        accountRef: row.account_ref,
        movementMinor: BigInt(row.movement ?? '0'),
      });
    } else {
      strangers.add(row.payment_id ?? `(no payment id, request ${row.request_id})`);
    }
  }
  return { legs, strangerPaymentIds: [...strangers], balances };
}

/** Each account's balance as the run starts: what the verdict expects it to hold plus its payments. */
export async function openingAccounts(accountRefs: readonly string[]): Promise<RunAccount[]> {
  const opening = (await readRunLedger([], accountRefs)).balances;
  return accountRefs.map((accountRef) => {
    const openingMinor = opening.get(accountRef);
    if (openingMinor === undefined) throw new Error(`the sandbox ledger has no account ${accountRef} just opened`);
    return { accountRef, openingMinor };
  });
}
