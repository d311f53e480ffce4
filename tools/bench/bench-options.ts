import { join } from 'node:path';
import { parseArgs } from 'node:util';
import UPI_PROFILE from '../../apps/payments/src/limits/scheme-profiles/upi.json';

export interface BenchOptions {
  readonly users: number;
  readonly payments: number;
  readonly concurrency: number;
  /** Payments started per second at most; undefined: as many as the concurrency allows. */
  readonly rate: number | undefined;
  /** After the last submission, how long to wait for every accepted payment to be final. */
  readonly deadlineSeconds: number;
  /** Keep submitting (up to --payments) until the parent process says stop over IPC (npm run chaos). */
  readonly untilStopped: boolean;
  readonly resultFile: string;
  readonly smoke: boolean;
}

export const BENCH_USAGE =
  'npm run bench -- [--users 125] [--payments 2000] [--concurrency 64] [--rate N] [--deadline-seconds 120] [--result-file F] [--until-stopped] [--smoke]';

function positiveInteger(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} needs a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

export function parseBenchOptions(argv: readonly string[], kirimHome: string): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        users: { type: 'string' },
        payments: { type: 'string' },
        concurrency: { type: 'string' },
        rate: { type: 'string' },
        'deadline-seconds': { type: 'string' },
        'result-file': { type: 'string' },
        'until-stopped': { type: 'boolean' },
        smoke: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nusage: ${BENCH_USAGE}`);
  }
  const smoke = values.smoke === true;
  let rate: number | undefined;
  if (values.rate !== undefined) {
    rate = Number(values.rate);
    if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--rate needs a positive number of payments per second, got ${JSON.stringify(values.rate)}`);
  }
  const options: BenchOptions = {
    users: positiveInteger('users', values.users, smoke ? 20 : 125),
    payments: positiveInteger('payments', values.payments, smoke ? 100 : 2000),
    concurrency: positiveInteger('concurrency', values.concurrency, smoke ? 16 : 64),
    rate,
    deadlineSeconds: positiveInteger('deadline-seconds', values['deadline-seconds'], 120),
    untilStopped: values['until-stopped'] === true,
    resultFile: values['result-file'] ?? join(kirimHome, 'bench', 'last.json'),
    smoke,
  };
  if (options.users < 2) throw new Error('--users must be at least 2 (someone has to be paid)');
  // Each payer pays ceil(payments / users) times within minutes; at most 99.99 each, so the count
  // is the limit that binds (20 x 99.99 is inside the ₹5,000 a new device may send on its first day).
  const perPayer = Math.ceil(options.payments / options.users);
  const maxPerPayer = UPI_PROFILE.limits.rollingWindowMaxCount;
  if (perPayer > maxPerPayer) {
    throw new Error(
      `--payments ${options.payments} over --users ${options.users} is ${perPayer} payments per user, more than the ${maxPerPayer} a payer may make in 24 hours (UPI scheme profile); use --users ${Math.ceil(options.payments / maxPerPayer)} or more`,
    );
  }
  return options;
}
