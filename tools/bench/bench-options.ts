import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_PAYMENTS_PER_PAYER, paymentCount, usersNeeded } from './open-loop-schedule';

/**
 * The bench runs in one of three modes, chosen by its flags:
 *
 * - closed loop (the default; --payments, --concurrency): a fixed number of payments, at most
 *   --concurrency in flight, each started when an earlier one has its answer. `npm run chaos` and
 *   the CI smoke run use it;
 * - open loop (--duration with --rate): payment i is sent at start + i / rate whatever happened to the
 *   earlier ones, and latency is measured from that scheduled moment. A list of rates is a sweep, one
 *   step per rate. The PostgreSQL ceiling is measured first unless --ceiling-seconds 0;
 * - the PostgreSQL ceiling alone (--ceiling-only): no stack needed, only the database server.
 */
export type BenchOptions = ClosedLoopOptions | OpenLoopOptions | CeilingOnlyOptions;

export interface ClosedLoopOptions {
  readonly mode: 'closed-loop';
  readonly users: number;
  readonly payments: number;
  readonly concurrency: number;
  /** Payments started per second at most; undefined: as many as the concurrency allows. */
  readonly rate: number | undefined;
  /** After the last submission, how long to wait for every accepted payment to be final. */
  readonly deadlineSeconds: number;
  /** Keep submitting (up to --payments) until the parent process says stop over IPC (npm run chaos). */
  readonly untilStopped: boolean;
  readonly seedParallelism: number;
  readonly resultFile: string;
  readonly smoke: boolean;
}

export interface CeilingOptions {
  /** How long each of the two variants (1 and 10 payments per transaction) runs; 0 skips the ceiling. */
  readonly seconds: number;
  readonly clients: number;
}

export interface OpenLoopOptions {
  readonly mode: 'open-loop';
  /** Offered payments per second, one step each (more than one: a sweep). */
  readonly rates: readonly number[];
  readonly durationSeconds: number;
  /** Users seeded for each step; undefined: as many as the step's payments need (usersNeeded). */
  readonly users: number | undefined;
  readonly seedParallelism: number;
  /** After each step's last scheduled payment, how long to wait for every accepted one to be final. */
  readonly deadlineSeconds: number;
  readonly ceiling: CeilingOptions;
  readonly resultFile: string;
  /** Where the latency-throughput chart goes; undefined: no chart (a single step without --chart-file). */
  readonly chartFile: string | undefined;
}

export interface CeilingOnlyOptions {
  readonly mode: 'ceiling-only';
  readonly ceiling: CeilingOptions;
  readonly resultFile: string;
}

export const BENCH_USAGE = [
  'npm run bench -- [--users 125] [--payments 2000] [--concurrency 64] [--rate N] [--deadline-seconds 120] [--result-file F] [--until-stopped] [--smoke]',
  '       npm run bench -- --rate R[,R...] --duration S [--users N] [--ceiling-seconds 10] [--ceiling-clients 16] [--seed-parallelism N] [--chart-file F] [--deadline-seconds 120] [--result-file F]',
  '       npm run bench -- --ceiling-only [--ceiling-seconds 10] [--ceiling-clients 16] [--result-file F]',
].join('\n');

/**
 * Users signed up at once while seeding. Measured on the 2-vCPU machine (docs/benchmarks.md, "Open-loop
 * load"): seeding is bound by the stack's CPU (device proofs and tokens at identity, the bank's PIN,
 * the events), and users/s grew up to this many at once (and no further at 192).
 */
export const DEFAULT_SEED_PARALLELISM = 128;

/** The throwaway database's load, per variant, unless told otherwise. */
export const DEFAULT_CEILING: CeilingOptions = { seconds: 10, clients: 16 };

function integer(flag: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} needs an integer of at least ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function positiveNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new Error(`--${flag} needs a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

/** "250,500,1000" -> [250, 500, 1000]: offered payments per second, one step each, in the order given. */
export function parseRates(raw: string): number[] {
  const parts = raw.split(',');
  if (parts.some((part) => part.trim() === '')) throw new Error(`--rate needs payments per second, or a comma-separated list of them, got ${JSON.stringify(raw)}`);
  return parts.map((part) => positiveNumber('rate', part.trim()));
}

const OPEN_LOOP_ONLY = ['users', 'seed-parallelism', 'chart-file'] as const;
const CEILING_FLAGS = ['ceiling-seconds', 'ceiling-clients'] as const;
const CLOSED_LOOP_ONLY = ['payments', 'concurrency', 'until-stopped', 'smoke'] as const;

export function parseBenchOptions(argv: readonly string[], kirimHome: string, repoRoot: string = resolve(__dirname, '..', '..')): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        users: { type: 'string' },
        payments: { type: 'string' },
        concurrency: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        'deadline-seconds': { type: 'string' },
        'result-file': { type: 'string' },
        'until-stopped': { type: 'boolean' },
        smoke: { type: 'boolean' },
        'seed-parallelism': { type: 'string' },
        'ceiling-only': { type: 'boolean' },
        'ceiling-seconds': { type: 'string' },
        'ceiling-clients': { type: 'string' },
        'chart-file': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nusage: ${BENCH_USAGE}`);
  }
  const flags = new Flags(values);
  const resultFile = flags.text('result-file') ?? join(kirimHome, 'bench', 'last.json');
  const ceiling = (): CeilingOptions => ({
    seconds: integer('ceiling-seconds', flags.text('ceiling-seconds'), DEFAULT_CEILING.seconds, 0),
    clients: integer('ceiling-clients', flags.text('ceiling-clients'), DEFAULT_CEILING.clients),
  });

  if (values['ceiling-only']) {
    flags.refuse(['rate', 'duration', 'deadline-seconds', ...OPEN_LOOP_ONLY, ...CLOSED_LOOP_ONLY], 'cannot go with --ceiling-only (it runs no load)');
    const options: CeilingOnlyOptions = { mode: 'ceiling-only', ceiling: ceiling(), resultFile };
    if (options.ceiling.seconds === 0) throw new Error('--ceiling-only with --ceiling-seconds 0 would measure nothing');
    return options;
  }

  if (flags.given('duration')) return openLoopOptions(flags, { resultFile, ceiling: ceiling(), repoRoot });

  flags.refuse([...OPEN_LOOP_ONLY.filter((flag) => flag !== 'users'), ...CEILING_FLAGS], 'only go with an open-loop run (--duration) or --ceiling-only');
  const smoke = values.smoke === true;
  let rate: number | undefined;
  if (values.rate !== undefined) {
    if (values.rate.includes(',')) throw new Error(`a list of rates (--rate ${values.rate}) is a sweep of open-loop steps: it needs --duration`);
    rate = positiveNumber('rate', values.rate);
  }
  const options: ClosedLoopOptions = {
    mode: 'closed-loop',
    users: integer('users', values.users, smoke ? 20 : 125),
    payments: integer('payments', values.payments, smoke ? 100 : 2000),
    concurrency: integer('concurrency', values.concurrency, smoke ? 16 : 64),
    rate,
    deadlineSeconds: integer('deadline-seconds', values['deadline-seconds'], 120),
    untilStopped: values['until-stopped'] === true,
    seedParallelism: DEFAULT_SEED_PARALLELISM,
    resultFile,
    smoke,
  };
  if (options.users < 2) throw new Error('--users must be at least 2 (someone has to be paid)');
  // Each payer pays ceil(payments / users) times within minutes; at most 99.99 each, so the count
  // is the limit that binds (20 x 99.99 is inside the ₹5,000 a new device may send on its first day).
  const perPayer = Math.ceil(options.payments / options.users);
  if (perPayer > MAX_PAYMENTS_PER_PAYER) {
    throw new Error(
      `--payments ${options.payments} over --users ${options.users} is ${perPayer} payments per user, more than the ${MAX_PAYMENTS_PER_PAYER} a payer may make in 24 hours (UPI scheme profile); use --users ${Math.ceil(options.payments / MAX_PAYMENTS_PER_PAYER)} or more`,
    );
  }
  return options;
}

/** The parsed flags, by name. */
class Flags {
  constructor(private readonly values: Readonly<Record<string, string | boolean | undefined>>) {}

  given(flag: string): boolean {
    return this.values[flag] !== undefined;
  }

  text(flag: string): string | undefined {
    const value = this.values[flag];
    return typeof value === 'string' ? value : undefined;
  }

  /** Throws naming every one of `flags` that was given. */
  refuse(flags: readonly string[], why: string): void {
    const found = flags.filter((flag) => this.given(flag));
    if (found.length > 0) throw new Error(`${found.map((flag) => `--${flag}`).join(', ')} ${why}`);
  }
}

function openLoopOptions(flags: Flags, context: { resultFile: string; ceiling: CeilingOptions; repoRoot: string }): OpenLoopOptions {
  const text = (flag: string): string | undefined => flags.text(flag);
  flags.refuse(CLOSED_LOOP_ONLY, 'only go with a closed-loop run: an open-loop run (--duration) sends at --rate whatever is in flight, for --duration seconds');
  const rawRate = text('rate');
  if (rawRate === undefined) throw new Error('--duration needs --rate: payments per second, or a comma-separated list of them for a sweep');
  const rates = parseRates(rawRate);
  const durationSeconds = positiveNumber('duration', text('duration') ?? '');
  for (const rate of rates) {
    if (paymentCount(rate, durationSeconds) < 1) throw new Error(`--rate ${rate} for --duration ${durationSeconds} schedules no payment`);
  }
  const users = text('users') === undefined ? undefined : integer('users', text('users'), 0, 2);
  if (users !== undefined) {
    // Fresh users for each step: each step's payers must stay inside the scheme's per-payer count.
    const needed = Math.max(...rates.map((rate) => usersNeeded(rate, durationSeconds)));
    if (users < needed) {
      throw new Error(
        `--users ${users} is too few: ${Math.max(...rates)}/s for ${durationSeconds} s is ${paymentCount(Math.max(...rates), durationSeconds)} payments, at most ${MAX_PAYMENTS_PER_PAYER} per payer in 24 hours (UPI scheme profile); use --users ${needed} or more, or leave --users out`,
      );
    }
  }
  const chartFile = text('chart-file') ?? (rates.length > 1 ? join(context.repoRoot, 'docs', 'benchmarks', 'latency-throughput.svg') : undefined);
  return {
    mode: 'open-loop',
    rates,
    durationSeconds,
    users,
    seedParallelism: integer('seed-parallelism', text('seed-parallelism'), DEFAULT_SEED_PARALLELISM),
    deadlineSeconds: integer('deadline-seconds', text('deadline-seconds'), 120),
    ceiling: context.ceiling,
    resultFile: context.resultFile,
    chartFile,
  };
}
