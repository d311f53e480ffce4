import { join } from 'node:path';
import { DEFAULT_CEILING, DEFAULT_SEED_PARALLELISM, parseBenchOptions, parseRates } from './bench-options';

const HOME = '/home/kirim/.local';
const REPO = '/repo';
const parse = (...argv: string[]) => parseBenchOptions(argv, HOME, REPO);

describe('parseRates: a rate, or a sweep of them', () => {
  it('reads one rate, or a comma-separated list in the order given', () => {
    expect(parseRates('1000')).toEqual([1000]);
    expect(parseRates('250,500,1000,1500,2000')).toEqual([250, 500, 1000, 1500, 2000]);
    expect(parseRates('0.5, 2')).toEqual([0.5, 2]);
  });

  it.each(['', '250,,500', '250,', 'fast', '0', '-5', '10,abc', 'Infinity'])('refuses %j', (raw) => {
    expect(() => parseRates(raw)).toThrow(/--rate/);
  });
});

describe('parseBenchOptions', () => {
  it('stays the closed loop without --duration: the defaults, --smoke and --until-stopped as before', () => {
    expect(parse()).toEqual({
      mode: 'closed-loop',
      users: 125,
      payments: 2000,
      concurrency: 64,
      rate: undefined,
      deadlineSeconds: 120,
      untilStopped: false,
      seedParallelism: DEFAULT_SEED_PARALLELISM,
      resultFile: join(HOME, 'bench', 'last.json'),
      smoke: false,
    });
    expect(parse('--smoke')).toMatchObject({ mode: 'closed-loop', users: 20, payments: 100, concurrency: 16, smoke: true });
    expect(parse('--until-stopped', '--rate', '4', '--users', '150', '--concurrency', '16', '--payments', '3000')).toMatchObject({
      mode: 'closed-loop',
      rate: 4,
      users: 150,
      untilStopped: true,
    });
  });

  it('keeps refusing a closed loop that would make a payer pay more than the scheme allows', () => {
    expect(() => parse('--payments', '2000', '--users', '50')).toThrow(/40 payments per user.*--users 100 or more/);
  });

  it('chooses the open loop with --duration, measuring the PostgreSQL ceiling by default', () => {
    expect(parse('--rate', '1000', '--duration', '60')).toEqual({
      mode: 'open-loop',
      rates: [1000],
      durationSeconds: 60,
      users: undefined,
      seedParallelism: DEFAULT_SEED_PARALLELISM,
      deadlineSeconds: 120,
      ceiling: DEFAULT_CEILING,
      resultFile: join(HOME, 'bench', 'last.json'),
      chartFile: undefined,
    });
  });

  it('draws the chart of a sweep into docs/benchmarks unless told where', () => {
    expect(parse('--rate', '10,20', '--duration', '5')).toMatchObject({ rates: [10, 20], chartFile: join(REPO, 'docs', 'benchmarks', 'latency-throughput.svg') });
    expect(parse('--rate', '10,20', '--duration', '5', '--chart-file', '/tmp/c.svg')).toMatchObject({ chartFile: '/tmp/c.svg' });
    expect(parse('--rate', '10', '--duration', '5', '--chart-file', '/tmp/one.svg')).toMatchObject({ chartFile: '/tmp/one.svg' });
  });

  it('takes the ceiling flags, and --ceiling-seconds 0 to skip the ceiling', () => {
    expect(parse('--rate', '20', '--duration', '10', '--ceiling-seconds', '0', '--ceiling-clients', '4', '--seed-parallelism', '48')).toMatchObject({
      ceiling: { seconds: 0, clients: 4 },
      seedParallelism: 48,
    });
  });

  it('refuses --duration without --rate, a bad duration, and a list of rates without --duration', () => {
    expect(() => parse('--duration', '60')).toThrow(/--duration needs --rate/);
    expect(() => parse('--rate', '10', '--duration', '0')).toThrow(/--duration needs a positive number/);
    expect(() => parse('--rate', '10', '--duration', 'soon')).toThrow(/--duration needs a positive number/);
    expect(() => parse('--rate', '250,500')).toThrow(/sweep.*needs --duration/);
  });

  it('refuses a schedule with no payment in it', () => {
    expect(() => parse('--rate', '0.01', '--duration', '1e-9')).toThrow(/schedules no payment/);
  });

  it('refuses closed-loop flags in an open loop, and open-loop flags in a closed loop', () => {
    expect(() => parse('--rate', '10', '--duration', '5', '--payments', '100', '--concurrency', '8')).toThrow(/--payments, --concurrency only go with a closed-loop run/);
    expect(() => parse('--rate', '10', '--duration', '5', '--smoke')).toThrow(/--smoke/);
    expect(() => parse('--rate', '10', '--duration', '5', '--until-stopped')).toThrow(/--until-stopped/);
    expect(() => parse('--payments', '100', '--ceiling-seconds', '3')).toThrow(/--ceiling-seconds only go with an open-loop run/);
    expect(() => parse('--chart-file', 'x.svg')).toThrow(/--chart-file/);
  });

  it('needs enough users for the largest step: at most 20 payments per payer in 24 hours', () => {
    // 1000/s for 60 s is 60,000 payments: 3,000 payers at 20 each.
    expect(() => parse('--rate', '1000', '--duration', '60', '--users', '2999')).toThrow(/--users 2999 is too few.*use --users 3000 or more/);
    expect(parse('--rate', '1000', '--duration', '60', '--users', '3000')).toMatchObject({ users: 3000 });
    expect(() => parse('--rate', '10,1000', '--duration', '60', '--users', '100')).toThrow(/use --users 3000/);
  });

  it('measures the ceiling alone with --ceiling-only, and refuses load flags with it', () => {
    expect(parse('--ceiling-only', '--ceiling-seconds', '5')).toEqual({
      mode: 'ceiling-only',
      ceiling: { seconds: 5, clients: DEFAULT_CEILING.clients },
      resultFile: join(HOME, 'bench', 'last.json'),
    });
    expect(() => parse('--ceiling-only', '--rate', '10')).toThrow(/--rate cannot go with --ceiling-only/);
    expect(() => parse('--ceiling-only', '--ceiling-seconds', '0')).toThrow(/would measure nothing/);
  });

  it('refuses unknown flags with the usage', () => {
    expect(() => parse('--rps', '10')).toThrow(/usage: npm run bench/);
  });
});
