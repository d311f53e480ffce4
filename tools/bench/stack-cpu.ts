import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CPU time the local stack's programs spend, read from Linux's /proc while the bench runs on the
 * same machine as the stack (as `npm run bench` does against `scripts/stack.sh up`). Throughput on
 * a saturated, shared machine swings from run to run; CPU per payment is the steadier figure, and
 * it is the one the target is set in: 1,000 payments/s on two cores leaves 2 ms of CPU per payment.
 * No package reads per-process CPU of other processes portably, so this reads /proc itself.
 */

/** Linux reports utime and stime in clock ticks of USER_HZ, which is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** What a process is part of, by its command line; null for anything outside the stack (the bench itself included: it reports its own CPU). */
export function programOf(commandLine: string): string | null {
  const service = /dist\/(?:apps|tools)\/(identity|payments|bank-connector|notifications|edge|example-partner|sms-simulator|chat-simulator)\//.exec(commandLine);
  if (service) return service[1];
  if (commandLine.includes('kafka.Kafka')) return 'broker';
  // Backends say `postgres: <user> <database> ...`; the server's own processes `postgres: walwriter` and so on.
  if (/^postgres(:|\s|$)/.test(commandLine) || /\/postgres\s+-D\s/.test(commandLine)) return 'postgresql';
  return null;
}

/** utime + stime, in ticks, from a /proc/<pid>/stat line (the command name in parentheses may hold spaces or parentheses). */
export function ticksOf(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are the 12th and 13th here.
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat line: ${statLine.slice(0, 80)}`);
  return utime + stime;
}

export interface CpuSnapshot {
  readonly at: number;
  /** Ticks per process, with its program. */
  readonly processes: ReadonlyMap<number, { readonly program: string; readonly ticks: number }>;
  /** The whole machine's ticks from /proc/stat (every process, the bench's own included); absent if unreadable. */
  readonly machine?: MachineTicks;
}

export interface MachineTicks {
  /** Ticks spent running anything (user, nice, system, irq, softirq, steal), all CPUs together. */
  readonly busy: number;
  /** CPUs the kernel counts (`cpuN` lines). */
  readonly cpus: number;
}

/** The `cpu` and `cpuN` lines of /proc/stat: what the whole machine spent, in ticks. */
export function machineTicksOf(procStat: string): MachineTicks {
  const lines = procStat.split('\n');
  const total = lines.find((line) => line.startsWith('cpu '));
  const fields = total?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal (guest time is inside user already).
  const [user, nice, system, , , irq, softirq, steal] = fields;
  const busy = [user, nice, system, irq, softirq, steal].reduce((sum, value) => sum + (value ?? NaN), 0);
  if (!Number.isFinite(busy)) throw new Error(`unreadable /proc/stat cpu line: ${(total ?? '').slice(0, 80)}`);
  return { busy, cpus: lines.filter((line) => /^cpu\d+\s/.test(line)).length };
}

/** The stack's processes and their CPU so far; null where there is no /proc (not Linux). */
export function readStackCpu(procDir = '/proc', now: () => number = Date.now): CpuSnapshot | null {
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    return null;
  }
  const processes = new Map<number, { program: string; ticks: number }>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const program = programOf(readFileSync(join(procDir, entry, 'cmdline'), 'latin1').replace(/\0/g, ' ').trim());
      if (program === null) continue;
      processes.set(Number(entry), { program, ticks: ticksOf(readFileSync(join(procDir, entry, 'stat'), 'latin1')) });
    } catch {
      // The process ended while it was read, or is not ours to read: it is left out.
    }
  }
  try {
    return { at: now(), processes, machine: machineTicksOf(readFileSync(join(procDir, 'stat'), 'latin1')) };
  } catch {
    return { at: now(), processes };
  }
}

export interface StackCpuFigures {
  readonly seconds: number;
  readonly finalPayments: number;
  /** CPU per final payment, per program, in ms of one core; processes that ended in between are not counted. */
  readonly msPerPayment: Readonly<Record<string, number>>;
  readonly totalMsPerPayment: number;
  /** The whole stack's CPU over the window, in cores (2.0: both cores of a 2-vCPU machine busy). */
  readonly coresBusy: number;
  /**
   * The whole machine over the window (the stack, the bench, everything else), when /proc/stat was
   * read: when it was nearly all busy, CPU per payment is what the machine had divided by the rate,
   * not what a payment needs (the stack spends spare CPU on smaller batches).
   */
  readonly machine?: { readonly coresBusy: number; readonly cores: number };
}

/** Busy at least this share of its CPUs, the machine had nothing left to give. */
const SATURATED_SHARE = 0.9;

export function machineSaturated(figures: StackCpuFigures): boolean {
  return figures.machine !== undefined && figures.machine.cores > 0 && figures.machine.coresBusy >= SATURATED_SHARE * figures.machine.cores;
}

/** What the stack spent between two snapshots, per payment made final in between. */
export function stackCpuBetween(before: CpuSnapshot, after: CpuSnapshot, finalPayments: number): StackCpuFigures {
  const ticks = new Map<string, number>();
  for (const [pid, now] of after.processes) {
    const earlier = before.processes.get(pid);
    // A process started in between counts from zero: all its CPU fell in the window.
    const spent = earlier && earlier.program === now.program ? now.ticks - earlier.ticks : now.ticks;
    ticks.set(now.program, (ticks.get(now.program) ?? 0) + Math.max(0, spent));
  }
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const totalTicks = [...ticks.values()].reduce((sum, value) => sum + value, 0);
  const perPayment = (value: number): number => (finalPayments > 0 ? Math.round(((value / TICKS_PER_SECOND) * 1000 * 10) / finalPayments) / 10 : 0);
  const byCost = [...ticks.entries()].sort(([, a], [, b]) => b - a);
  return {
    seconds: Math.round(seconds * 10) / 10,
    finalPayments,
    msPerPayment: Object.fromEntries(byCost.map(([program, value]) => [program, perPayment(value)])),
    totalMsPerPayment: perPayment(totalTicks),
    coresBusy: Math.round((totalTicks / TICKS_PER_SECOND / seconds) * 100) / 100,
    ...(before.machine && after.machine
      ? { machine: { coresBusy: Math.round(((after.machine.busy - before.machine.busy) / TICKS_PER_SECOND / seconds) * 100) / 100, cores: after.machine.cpus } }
      : {}),
  };
}
