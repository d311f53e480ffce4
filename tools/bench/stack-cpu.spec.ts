import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuSnapshot, machineTicksOf, programOf, readStackCpu, stackCpuBetween, ticksOf } from './stack-cpu';

/** A /proc/<pid>/stat line with the given name, utime and stime (the other fields as Linux writes them). */
const stat = (pid: number, name: string, utime: number, stime: number): string => `${pid} (${name}) S 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 1234 0 0`;

describe('programOf', () => {
  it.each([
    ['node --enable-source-maps /work/main/dist/apps/payments/apps/payments/src/main.js', 'payments'],
    ['node --cpu-prof /srv/dist/apps/bank-connector/apps/bank-connector/src/main.js', 'bank-connector'],
    ['node --enable-source-maps /work/main/dist/tools/edge/tools/edge/main.js', 'edge'],
    ['node --enable-source-maps /work/main/dist/tools/chat-simulator/tools/chat-simulator/main.js', 'chat-simulator'],
    ['/usr/lib/jvm/java-17/bin/java -Xmx1G -cp /x/libs/* kafka.Kafka /x/server.properties', 'broker'],
    ['postgres: kirim_payments kirim_payments 127.0.0.1(51234) idle', 'postgresql'],
    ['postgres: walwriter', 'postgresql'],
    ['/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf', 'postgresql'],
  ])('%s is %s', (commandLine, program) => {
    expect(programOf(commandLine)).toBe(program);
  });

  it.each(['node tools/bench/bench.ts --rate 20', 'bash scripts/stack.sh up', 'node dist/apps/payments-report/src/main.js', 'psql -h 127.0.0.1', ''])('%s is not part of the stack', (commandLine) => {
    expect(programOf(commandLine)).toBeNull();
  });
});

describe('ticksOf', () => {
  it('adds utime and stime, whatever the command name holds', () => {
    expect(ticksOf(stat(42, 'node', 1234, 56))).toBe(1290);
    expect(ticksOf(stat(43, 'a (weird) name', 7, 3))).toBe(10);
  });

  it('refuses a line it cannot read rather than count it as nothing', () => {
    expect(() => ticksOf('42 (node) S 1')).toThrow(/unreadable/);
  });
});

describe('machineTicksOf', () => {
  const procStat = ['cpu  254046 10 49195 309343 1335 0 6922 1956 0 0', 'cpu0 127000 5 24000 154000 600 0 3400 900 0 0', 'cpu1 127046 5 25195 155343 735 0 3522 1056 0 0', 'intr 1234 0', 'ctxt 99'].join('\n');

  it("adds every busy state of the machine's cpu line (idle and iowait are not) and counts its CPUs", () => {
    expect(machineTicksOf(procStat)).toEqual({ busy: 254046 + 10 + 49195 + 0 + 6922 + 1956, cpus: 2 });
  });

  it('refuses a /proc/stat it cannot read', () => {
    expect(() => machineTicksOf('intr 1234 0')).toThrow(/unreadable/);
    expect(() => machineTicksOf('cpu  12 x')).toThrow(/unreadable/);
  });
});

describe('readStackCpu', () => {
  let proc: string;

  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'kirim-proc-'));
    const add = (pid: number, commandLine: string, statLine: string): void => {
      mkdirSync(join(proc, String(pid)));
      writeFileSync(join(proc, String(pid), 'cmdline'), `${commandLine.split(' ').join('\0')}\0`);
      writeFileSync(join(proc, String(pid), 'stat'), statLine);
    };
    add(10, 'node dist/apps/payments/main.js', stat(10, 'node', 300, 100));
    add(11, 'postgres: kirim_payments kirim_payments 127.0.0.1(5000) idle', stat(11, 'postgres', 50, 50));
    add(12, 'node tools/bench/bench.ts', stat(12, 'node', 999, 999));
    mkdirSync(join(proc, 'self'));
    writeFileSync(join(proc, 'stat'), 'cpu  700 0 300 5000 10 0 0 0 0 0\ncpu0 350 0 150 2500 5 0 0 0 0 0\ncpu1 350 0 150 2500 5 0 0 0 0 0\n');
  });

  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  it("reads the stack's processes and leaves out everything else", () => {
    const snapshot = readStackCpu(proc, () => 5);
    expect(snapshot?.at).toBe(5);
    expect([...(snapshot?.processes ?? new Map())]).toEqual([
      [10, { program: 'payments', ticks: 400 }],
      [11, { program: 'postgresql', ticks: 100 }],
    ]);
    expect(snapshot?.machine).toEqual({ busy: 1000, cpus: 2 });
  });

  it('is null without /proc', () => {
    expect(readStackCpu(join(proc, 'missing'))).toBeNull();
  });
});

describe('stackCpuBetween', () => {
  const snapshot = (at: number, processes: [number, string, number][]): CpuSnapshot => ({ at, processes: new Map(processes.map(([pid, program, ticks]) => [pid, { program, ticks }])) });

  it('gives each program its CPU per final payment in ms, most costly first, and the cores the stack kept busy', () => {
    const before = snapshot(0, [[1, 'payments', 1_000], [2, 'postgresql', 500], [3, 'postgresql', 100]]);
    // 10 s later: payments spent 6 s, two backends 2 s and 1 s, a backend started meanwhile 1 s.
    const after = snapshot(10_000, [[1, 'payments', 1_600], [2, 'postgresql', 700], [3, 'postgresql', 200], [4, 'postgresql', 100]]);
    const figures = stackCpuBetween(before, after, 100);
    expect(figures).toEqual({ seconds: 10, finalPayments: 100, msPerPayment: { payments: 60, postgresql: 40 }, totalMsPerPayment: 100, coresBusy: 1 });
    expect(Object.keys(figures.msPerPayment)).toEqual(['payments', 'postgresql']);
  });

  it('counts a reused pid of another program from zero', () => {
    const figures = stackCpuBetween(snapshot(0, [[1, 'broker', 5_000]]), snapshot(1_000, [[1, 'payments', 50]]), 10);
    expect(figures.msPerPayment).toEqual({ payments: 50 });
  });

  it('gives the whole machine in cores over the same window when both snapshots read it', () => {
    const before = { ...snapshot(0, [[1, 'payments', 0]]), machine: { busy: 10_000, cpus: 2 } };
    const after = { ...snapshot(10_000, [[1, 'payments', 1_000]]), machine: { busy: 11_900, cpus: 2 } };
    expect(stackCpuBetween(before, after, 100).machine).toEqual({ coresBusy: 1.9, cores: 2 });
    expect(stackCpuBetween(snapshot(0, []), after, 100).machine).toBeUndefined();
  });

  it('says nothing per payment when none became final', () => {
    expect(stackCpuBetween(snapshot(0, [[1, 'payments', 0]]), snapshot(1_000, [[1, 'payments', 100]]), 0)).toMatchObject({ totalMsPerPayment: 0, coresBusy: 1 });
  });
});
