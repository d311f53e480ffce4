/**
 * What a listen backlog does to callers while a service's event loop is busy (docs/benchmarks.md,
 * "Throughput work, 2026-12-04 (seventeenth pass)"). A child process listens with the backlog given
 * and keeps its event loop busy for a while; meanwhile this process opens that many connections at
 * once, one request each, and reports when each was answered. Connections beyond the backlog have
 * their handshake dropped by the kernel and are answered only after a retransmission (1 s, then 3, 7,
 * 15, 31 s on Linux), however soon the loop is free again: the stalls behind the edge's 504s.
 *
 *   node -r ./tools/ts-register.cjs tools/bench/listen-backlog.ts [connections, default 1500] [backlog ..., default 511 4096]
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';

const BUSY_MS = 1500;

/**
 * Linux's count of handshakes dropped because a listen queue was full (TcpExtListenOverflows in
 * /proc/net/netstat, for the whole machine: run this with nothing else busy). Null elsewhere.
 */
function listenOverflows(): number | null {
  try {
    // A "TcpExt:" line of names, then a "TcpExt:" line of their values.
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const header = lines.findIndex((line) => line.startsWith('TcpExt:'));
    const at = header < 0 ? -1 : lines[header].split(' ').indexOf('ListenOverflows');
    return at > 0 ? Number(lines[header + 1].split(' ')[at]) : null;
  } catch {
    return null;
  }
}

function busyServer(backlog: number): void {
  const server = createServer((_request, response) => response.end('ok'));
  server.listen({ port: 0, host: '127.0.0.1', backlog }, () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('message', () => {
    const until = Date.now() + BUSY_MS;
    while (Date.now() < until) {
      // Busy on purpose: nothing is accepted while this runs, so connections wait in the backlog.
    }
  });
}

function answeredAfterMs(port: number, agent: Agent, start: number): Promise<number | 'failed'> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(Date.now() - start));
    });
    request.on('error', () => resolve('failed'));
  });
}

async function measure(connections: number, backlog: number): Promise<string> {
  const child = fork(__filename, ['--server', String(backlog)], { execArgv: process.execArgv });
  try {
    const port = await new Promise<number>((resolve) => child.once('message', (message: { port: number }) => resolve(message.port)));
    child.send('busy');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const overflowsBefore = listenOverflows();
    const start = Date.now();
    const results = await Promise.all(Array.from({ length: connections }, () => answeredAfterMs(port, agent, start)));
    const times = results.filter((r): r is number => r !== 'failed').sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    const dropped = overflowsBefore === null ? null : (listenOverflows() ?? overflowsBefore) - overflowsBefore;
    return (
      `backlog ${backlog}: ${connections} connections while the loop is busy ${BUSY_MS} ms; answered after p50 ${at(0.5)}, p99 ${at(0.99)}, ` +
      `max ${at(1)} ms; ${results.length - times.length} failed; handshakes dropped: ${dropped ?? 'not known off Linux'}`
    );
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const [connectionsArg, ...backlogArgs] = process.argv.slice(2);
  const connections = connectionsArg ? Number(connectionsArg) : 1500;
  const backlogs = backlogArgs.length > 0 ? backlogArgs.map(Number) : [511, 4096];
  if (!Number.isInteger(connections) || connections < 1 || backlogs.some((b) => !Number.isInteger(b) || b < 1)) {
    throw new Error('usage: listen-backlog.ts [connections] [backlog ...], whole numbers');
  }
  for (const backlog of backlogs) console.log(await measure(connections, backlog));
}

if (process.argv[2] === '--server') {
  busyServer(Number(process.argv[3]));
} else {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
