import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../bench/task-pool';

/**
 * What `npm run chaos` does to the running local stack, with the stack's own scripts:
 *
 * - a service: SIGKILL (no shutdown of any kind), then `scripts/stack.sh up`, which starts what is
 *   not running (SKIP_BUILD=1: the build is the one already running);
 * - the broker: SIGKILL, then `deploy/local/kafka/kafka.sh start`; the services reconnect by themselves;
 * - PostgreSQL: `deploy/local/postgres.sh server-stop`, then `server-start` (as the resilience e2e
 *   test does); the services reconnect by themselves.
 *
 * Recovered means: the four services and the edge answer GET /health/ready with 200 (their
 * readiness includes their database, the broker and their running consumers).
 *
 * Only processes this checkout's scripts started are killed: by the pid files under KIRIM_HOME
 * (.local/run/<service>.pid, .local/kafka/kafka.pid), checked against the process's command line.
 */

export const DISRUPTION_KINDS = ['payments', 'bank-connector', 'identity', 'notifications', 'broker', 'postgres'] as const;
export type DisruptionKind = (typeof DISRUPTION_KINDS)[number];

const SERVICE_PORTS = { identity: 3001, payments: 3002, 'bank-connector': 3003, notifications: 3004 } as const;
type ServiceName = keyof typeof SERVICE_PORTS;
const EDGE_READY_URL = `${(process.env.EDGE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')}/health/ready`;

export function describeDisruption(kind: DisruptionKind): string {
  switch (kind) {
    case 'broker':
      return 'kill -9 the broker, kafka.sh start';
    case 'postgres':
      return 'PostgreSQL server-stop, server-start';
    case 'payments':
    case 'bank-connector':
    case 'identity':
    case 'notifications':
      return `kill -9 ${kind}, stack.sh up`;
    default:
      return assertNever(kind);
  }
}

export interface DisruptionRecord {
  readonly kind: DisruptionKind;
  readonly description: string;
  /** Epoch ms of the kill or stop. */
  readonly startedAt: number;
  /** Epoch ms at which the restart command returned. */
  readonly restartedAt: number;
  /** Epoch ms at which every service answered ready again. */
  readonly recoveredAt: number;
}

export interface LocalStackOptions {
  readonly repoRoot: string;
  readonly kirimHome: string;
  /** Where the scripts' output goes (they are chatty; the chaos log keeps one line per step). */
  readonly commandLog: string;
  readonly log: (message: string) => void;
  /** How long a killed or stopped part stays down before it is restarted. */
  readonly downMs: number;
  /** How long to wait for the stack to answer ready after a restart. */
  readonly recoveryTimeoutMs: number;
}

export class LocalStack {
  constructor(private readonly options: LocalStackOptions) {}

  /** Refuses to start unless this checkout's stack is up: every pid file names a live process of ours, and all are ready. */
  async preflight(): Promise<void> {
    for (const service of Object.keys(SERVICE_PORTS) as ServiceName[]) this.servicePid(service);
    this.brokerPid();
    const notReady = await this.notReady();
    if (notReady.length > 0) throw new Error(`the stack is not ready (${notReady.join(', ')}); start it with: bash scripts/stack.sh up`);
  }

  async disrupt(kind: DisruptionKind): Promise<DisruptionRecord> {
    const description = describeDisruption(kind);
    const { log, downMs } = this.options;
    let startedAt: number;
    switch (kind) {
      case 'broker': {
        const pid = this.brokerPid();
        startedAt = Date.now();
        await killAndWait(pid);
        log(`broker (pid ${pid}) killed; restarting it in ${downMs / 1000} s`);
        await sleep(downMs);
        await this.run('deploy/local/kafka/kafka.sh', ['start']);
        break;
      }
      case 'postgres': {
        startedAt = Date.now();
        await this.run('deploy/local/postgres.sh', ['server-stop']);
        log(`PostgreSQL stopped; starting it in ${downMs / 1000} s`);
        await sleep(downMs);
        await this.run('deploy/local/postgres.sh', ['server-start']);
        break;
      }
      case 'payments':
      case 'bank-connector':
      case 'identity':
      case 'notifications': {
        const pid = this.servicePid(kind);
        startedAt = Date.now();
        await killAndWait(pid);
        log(`${kind} (pid ${pid}) killed; restarting it in ${downMs / 1000} s`);
        await sleep(downMs);
        await this.run('scripts/stack.sh', ['up'], { SKIP_BUILD: '1' });
        break;
      }
      default:
        return assertNever(kind);
    }
    const restartedAt = Date.now();
    await this.waitUntilReady();
    const recoveredAt = Date.now();
    log(`${description}: recovered ${((recoveredAt - startedAt) / 1000).toFixed(1)} s after the disruption began (restart command done after ${((restartedAt - startedAt) / 1000).toFixed(1)} s)`);
    return { kind, description, startedAt, restartedAt, recoveredAt };
  }

  async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + this.options.recoveryTimeoutMs;
    for (;;) {
      const notReady = await this.notReady();
      if (notReady.length === 0) return;
      if (Date.now() >= deadline) throw new Error(`the stack did not recover within ${this.options.recoveryTimeoutMs / 1000} s: not ready: ${notReady.join(', ')}`);
      await sleep(250);
    }
  }

  /** After a failure or an interruption: brings back whatever a disruption left down. Best effort. */
  async restoreIfBroken(): Promise<void> {
    const { log } = this.options;
    const attempt = async (what: string, step: () => Promise<void>): Promise<void> => {
      try {
        await step();
      } catch (error) {
        log(`restoring: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (this.livePid(this.brokerPidFile()) === undefined) {
      log('restoring: the broker is down; starting it');
      await attempt('kafka.sh start', () => this.run('deploy/local/kafka/kafka.sh', ['start']));
    }
    if (!(await this.succeeds('deploy/local/postgres.sh', ['status']))) {
      log('restoring: PostgreSQL does not answer; starting it');
      await attempt('postgres.sh server-start', () => this.run('deploy/local/postgres.sh', ['server-start']));
    }
    const down = (Object.keys(SERVICE_PORTS) as ServiceName[]).filter((service) => this.livePid(this.servicePidFile(service)) === undefined);
    if (down.length > 0) {
      log(`restoring: ${down.join(', ')} not running; stack.sh up`);
      await attempt('stack.sh up', () => this.run('scripts/stack.sh', ['up'], { SKIP_BUILD: '1' }));
    }
  }

  private async notReady(): Promise<string[]> {
    const probes: [string, string][] = [...(Object.entries(SERVICE_PORTS) as [ServiceName, number][]).map(([name, port]): [string, string] => [name, `http://127.0.0.1:${port}/health/ready`]), ['edge', EDGE_READY_URL]];
    const results = await Promise.all(
      probes.map(async ([name, url]) => {
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
          await response.arrayBuffer();
          return response.status === 200 ? undefined : name;
        } catch {
          return name;
        }
      }),
    );
    return results.filter((name): name is string => name !== undefined);
  }

  private servicePidFile(service: ServiceName): string {
    return join(this.options.kirimHome, 'run', `${service}.pid`);
  }

  /** kafka.sh keeps a broker on another port than 9092 (KAFKA_PORT) under kafka-<port>. */
  private brokerPidFile(): string {
    const port = process.env.KAFKA_PORT ?? '9092';
    return join(this.options.kirimHome, port === '9092' ? 'kafka' : `kafka-${port}`, 'kafka.pid');
  }

  /** The service's pid, if its pid file names a live process running this checkout's build of it. */
  private servicePid(service: ServiceName): number {
    const file = this.servicePidFile(service);
    const pid = this.livePid(file);
    const entry = join(this.options.repoRoot, 'dist', 'apps', service);
    if (pid === undefined || !commandLineOf(pid).includes(entry)) {
      throw new Error(`${service} is not running from this checkout (${file} names no live process of ${entry}); start the stack with: bash scripts/stack.sh up`);
    }
    return pid;
  }

  private brokerPid(): number {
    const file = this.brokerPidFile();
    const pid = this.livePid(file);
    if (pid === undefined || !commandLineOf(pid).includes('kafka.Kafka')) {
      throw new Error(`the broker is not running from this checkout (${file} names no live broker); start it with: bash deploy/local/kafka/kafka.sh start`);
    }
    return pid;
  }

  private livePid(file: string): number | undefined {
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  }

  private environment(extra: Record<string, string>): NodeJS.ProcessEnv {
    // Services restarted from a test run must not inherit the test runner's settings.
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    delete env.NODE_ENV;
    for (const name of Object.keys(env)) if (name.startsWith('JEST_')) delete env[name];
    return env;
  }

  private async run(script: string, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
    const code = await this.exitCodeOf(script, args, extraEnv, 600_000);
    if (code !== 0) throw new Error(`bash ${script} ${args.join(' ')} exited with ${code} (output in ${this.options.commandLog})`);
  }

  private async succeeds(script: string, args: string[]): Promise<boolean> {
    return (await this.exitCodeOf(script, args, {}, 30_000)) === 0;
  }

  private exitCodeOf(script: string, args: string[], extraEnv: Record<string, string>, timeoutMs: number): Promise<number> {
    const out = openSync(this.options.commandLog, 'a');
    return new Promise<number>((resolve, reject) => {
      const child = spawn('bash', [join(this.options.repoRoot, script), ...args], { cwd: this.options.repoRoot, env: this.environment(extraEnv), stdio: ['ignore', out, out], timeout: timeoutMs });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    }).finally(() => closeSync(out));
  }
}

/** SIGKILL, then waits until the process is gone (a zombie counts as gone: it holds no port). */
async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) throw new Error(`pid ${pid} still alive 15 s after SIGKILL`);
    await sleep(100);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; Z is a zombie waiting for its parent to reap it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): signal 0 is the best we have
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
