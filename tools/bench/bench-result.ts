import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LatencySummary } from './latency';
import { AcceptedPayment, PaymentState, RunAccount, RunVerdict } from './run-verdict';

/**
 * What `npm run bench` writes at the end of a run (.local/bench/last.json, or --result-file): its
 * figures and verdict, and enough of the run to judge it again later (npm run chaos does, with the
 * same verdict module and a fresh read of the ledger). Amounts are minor units as decimal strings.
 * Holds no phone number, PIN or token: accounts appear by their bank's reference only.
 */
export interface BenchResult {
  readonly finishedAt: string;
  readonly edge: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly load: {
    readonly submitted: number;
    readonly accepted: number;
    readonly refusals: Readonly<Record<string, number>>;
    readonly unanswered: number;
    readonly resent: number;
    readonly sessionsRefreshed: number;
    readonly usersRebound: number;
    readonly submissionSeconds: number;
  };
  readonly completedPerSecond: number;
  readonly wallSecondsFirstAcceptanceToLastCompletion: number;
  readonly acceptanceLatency: LatencySummary;
  /** From the 202 to the moment the payment became final, as payments recorded it (its updatedAt). */
  readonly completionLatency: LatencySummary;
  /** From the 202 to the bench's consumer seeing the final event (latency only, never the verdict). */
  readonly finalEventLatency: LatencySummary;
  readonly completionWatch: { readonly finalEventsSeen: number; readonly crashes: number; readonly replacedConsumers: number; readonly error?: string };
  readonly verdict: RunVerdict;
  readonly run: RecordedRun;
}

export interface RecordedRun {
  readonly accounts: readonly { readonly accountRef: string; readonly openingMinor: string }[];
  readonly payments: readonly RecordedPayment[];
}

export interface RecordedPayment {
  readonly paymentId: string;
  readonly payerUserId: string;
  readonly payerAccountRef: string;
  readonly payeeAccountRef: string;
  readonly amountMinor: string;
  readonly acceptedAt: number;
  readonly state: PaymentState;
  /** Epoch ms at which the bench's consumer saw the final event, if it did. */
  readonly finalEventSeenAt?: number;
}

export function writeBenchResult(file: string, result: BenchResult): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** A run read back from a result file: its accounts, payments and their states. */
export interface RunFromResult {
  readonly result: BenchResult;
  readonly accounts: RunAccount[];
  readonly payments: AcceptedPayment[];
  readonly states: Map<string, PaymentState>;
}

export function readBenchResult(file: string): RunFromResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the bench result ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = parsed as BenchResult;
  const problem = (what: string): Error => new Error(`the bench result ${file} is not one this bench writes: ${what}`);
  if (typeof result !== 'object' || result === null) throw problem('not an object');
  if (typeof result.verdict !== 'object' || result.verdict === null || typeof result.verdict.ok !== 'boolean') throw problem('no verdict');
  if (!Array.isArray(result.run?.accounts) || !Array.isArray(result.run?.payments)) throw problem('no run.accounts / run.payments');
  const minor = (value: unknown, where: string): bigint => {
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw problem(`${where} is not an amount in minor units`);
    return BigInt(value);
  };
  const accounts = result.run.accounts.map((account, i) => {
    if (typeof account.accountRef !== 'string') throw problem(`run.accounts[${i}].accountRef missing`);
    return { accountRef: account.accountRef, openingMinor: minor(account.openingMinor, `run.accounts[${i}].openingMinor`) };
  });
  const states = new Map<string, PaymentState>();
  const payments = result.run.payments.map((payment, i) => {
    for (const field of ['paymentId', 'payerUserId', 'payerAccountRef', 'payeeAccountRef'] as const) {
      if (typeof payment[field] !== 'string') throw problem(`run.payments[${i}].${field} missing`);
    }
    if (typeof payment.acceptedAt !== 'number') throw problem(`run.payments[${i}].acceptedAt missing`);
    if (typeof payment.state !== 'object' || payment.state === null) throw problem(`run.payments[${i}].state missing`);
    states.set(payment.paymentId, payment.state);
    return {
      paymentId: payment.paymentId,
      payerUserId: payment.payerUserId,
      payerAccountRef: payment.payerAccountRef,
      payeeAccountRef: payment.payeeAccountRef,
      amountMinor: minor(payment.amountMinor, `run.payments[${i}].amountMinor`),
      acceptedAt: payment.acceptedAt,
    };
  });
  return { result, accounts, payments, states };
}
