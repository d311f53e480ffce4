import { join } from 'node:path';
import { parseArgs } from 'node:util';
import UPI_PROFILE from '../../apps/payments/src/limits/scheme-profiles/upi.json';
import { DISRUPTION_KINDS, DisruptionKind } from './stack-disruptions';

export interface ChaosOptions {
  readonly disruptions: readonly DisruptionKind[];
  readonly users: number;
  /** Payments started per second by the bench. */
  readonly rate: number;
  readonly concurrency: number;
  /** Load before the first disruption. */
  readonly warmupSeconds: number;
  /** Load after each recovery, before the next disruption (and before the load stops). */
  readonly calmSeconds: number;
  /** How long a killed or stopped part stays down before its restart command. */
  readonly downSeconds: number;
  /** How long the bench waits, after it stops submitting, for every payment to be final. */
  readonly deadlineSeconds: number;
  readonly resultFile: string;
  readonly benchResultFile: string;
  readonly short: boolean;
}

export const CHAOS_USAGE =
  'npm run chaos -- [--short] [--disruptions payments,bank-connector,identity,notifications,broker,postgres] [--users 150] [--rate 4] [--concurrency 16] [--warmup-seconds 10] [--calm-seconds 20] [--down-seconds 5] [--deadline-seconds 180] [--result-file F]';

/** The short form the e2e suite runs: one kill of each kind, a few dozen payments. */
const SHORT: Omit<ChaosOptions, 'resultFile' | 'benchResultFile' | 'short'> = {
  disruptions: ['payments', 'broker', 'postgres'],
  users: 8,
  rate: 0.5,
  concurrency: 4,
  warmupSeconds: 5,
  calmSeconds: 5,
  downSeconds: 3,
  deadlineSeconds: 180,
};

/**
 * 4 payments/s: load, with headroom. The stack completes 40-80/s on 2 cores when it has them to
 * itself, but 3-4/s on the same machine shared with other work; an offered load above what the stack
 * completes grows a backlog without end, and then nothing is final within 60 s of anything.
 */
const FULL: typeof SHORT = {
  disruptions: DISRUPTION_KINDS,
  users: 150,
  rate: 4,
  concurrency: 16,
  warmupSeconds: 10,
  calmSeconds: 20,
  downSeconds: 5,
  deadlineSeconds: 180,
};

function count(flag: string, raw: string | undefined, fallback: number, { min }: { min: number }): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} needs an integer of at least ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

export function parseChaosOptions(argv: readonly string[], kirimHome: string): ChaosOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        short: { type: 'boolean' },
        disruptions: { type: 'string' },
        users: { type: 'string' },
        rate: { type: 'string' },
        concurrency: { type: 'string' },
        'warmup-seconds': { type: 'string' },
        'calm-seconds': { type: 'string' },
        'down-seconds': { type: 'string' },
        'deadline-seconds': { type: 'string' },
        'result-file': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nusage: ${CHAOS_USAGE}`);
  }
  const short = values.short === true;
  const preset = short ? SHORT : FULL;

  let disruptions = preset.disruptions;
  if (values.disruptions !== undefined) {
    const named = values.disruptions.split(',').map((name) => name.trim()).filter(Boolean);
    const unknown = named.filter((name) => !(DISRUPTION_KINDS as readonly string[]).includes(name));
    if (named.length === 0 || unknown.length > 0) throw new Error(`--disruptions takes a comma-separated list of ${DISRUPTION_KINDS.join(', ')}; got ${JSON.stringify(values.disruptions)}`);
    disruptions = named as DisruptionKind[];
  }
  let rate = preset.rate;
  if (values.rate !== undefined) {
    rate = Number(values.rate);
    if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--rate needs a positive number of payments per second, got ${JSON.stringify(values.rate)}`);
  }
  const resultFile = values['result-file'] ?? join(kirimHome, 'chaos', 'last.json');
  return {
    disruptions,
    users: count('users', values.users, preset.users, { min: 2 }),
    rate,
    concurrency: count('concurrency', values.concurrency, preset.concurrency, { min: 1 }),
    warmupSeconds: count('warmup-seconds', values['warmup-seconds'], preset.warmupSeconds, { min: 0 }),
    calmSeconds: count('calm-seconds', values['calm-seconds'], preset.calmSeconds, { min: 0 }),
    downSeconds: count('down-seconds', values['down-seconds'], preset.downSeconds, { min: 0 }),
    deadlineSeconds: count('deadline-seconds', values['deadline-seconds'], preset.deadlineSeconds, { min: 1 }),
    resultFile,
    benchResultFile: resultFile.replace(/(\.json)?$/, '.bench.json'),
    short,
  };
}

/** The bench's payer budget: every user may pay the scheme's daily count (UPI: 20). */
export function paymentBudget(options: ChaosOptions): number {
  return options.users * UPI_PROFILE.limits.rollingWindowMaxCount;
}
