/**
 * What one request-and-answer between two local processes costs this machine: the unit every SQL
 * statement, Kafka request and internal HTTP call of a payment pays at least once
 * (docs/benchmarks.md, "Throughput work, 2026-12-02 (fifth pass)"). Two Node processes exchange a
 * 100-byte message over loopback TCP, one at a time, and the CPU both spent is divided by the round
 * trips. Compare machines with it before comparing kirim's figures on them.
 *
 * With a PostgreSQL URL it also measures what node-postgres alone spends per statement on one
 * connection (text, parameterised, and named prepared), the floor under every repository call.
 *
 *   node -r ./tools/ts-register.cjs tools/bench/loopback-round-trip.ts [round trips, default 20000] [postgres://…]
 */
import { fork } from 'node:child_process';
import { AddressInfo, createServer, connect } from 'node:net';
import { Client } from 'pg';

const MESSAGE = Buffer.alloc(100, 'x');

function echoServer(): void {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  });
}

function readRoundTrips(raw: string | undefined): number {
  const count = raw === undefined ? 20_000 : Number(raw);
  if (!Number.isInteger(count) || count < 100 || count > 10_000_000) throw new Error('round trips must be an integer between 100 and 10000000');
  return count;
}

async function measure(roundTrips: number): Promise<void> {
  const child = fork(__filename, ['--echo-server'], { execArgv: process.execArgv });
  const nextMessage = <T>() => new Promise<T>((resolve) => child.once('message', (message) => resolve(message as T)));
  const { port } = await nextMessage<{ port: number }>();
  const cpuBefore = process.cpuUsage();
  const serverBefore = (child.send('cpu'), await nextMessage<{ cpuMicros: number }>()).cpuMicros;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let answered = 0;
    socket.on('connect', () => socket.write(MESSAGE));
    // One message at a time: an answer may come in pieces, so count bytes, not 'data' events.
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
      while (received >= MESSAGE.length) {
        received -= MESSAGE.length;
        answered += 1;
        if (answered === roundTrips) {
          socket.end();
          resolve();
          return;
        }
        socket.write(MESSAGE);
      }
    });
    socket.on('error', reject);
  });
  const wallMicros = Number(process.hrtime.bigint() - started) / 1000;
  const client = process.cpuUsage(cpuBefore);
  const serverAfter = (child.send('cpu'), await nextMessage<{ cpuMicros: number }>()).cpuMicros;
  child.kill();
  const cpuMicros = client.user + client.system + (serverAfter - serverBefore);
  console.log(`${roundTrips} loopback TCP round trips between two Node processes: ${(wallMicros / roundTrips).toFixed(1)} µs wall and ${(cpuMicros / roundTrips).toFixed(1)} µs CPU (both processes) each`);
}

/** Node's CPU and the wall time per statement over `count` statements on one connection, after a warm-up. */
async function perStatement(label: string, count: number, statement: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i += 1) await statement();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await statement();
  const { user, system } = process.cpuUsage(cpuBefore);
  const wallMicros = Number(process.hrtime.bigint() - started) / 1000;
  console.log(`  ${label}: ${((user + system) / count).toFixed(1)} µs of this process's CPU, ${(wallMicros / count).toFixed(1)} µs wall per statement`);
}

async function measurePostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    console.log(`node-postgres against ${new URL(url).host}, one connection, 3000 statements each:`);
    await perStatement("text 'SELECT 1'", 3000, () => client.query('SELECT 1'));
    await perStatement("parameterised 'SELECT $1::int'", 3000, () => client.query('SELECT $1::int AS x', [1]));
    await perStatement('the same, named prepared', 3000, () => client.query({ name: 'loopback-round-trip', text: 'SELECT $1::int AS x', values: [1] }));
  } finally {
    await client.end();
  }
}

function readPostgresUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error('the second argument must be a postgres:// URL');
  return raw;
}

if (process.argv.includes('--echo-server')) {
  echoServer();
} else {
  Promise.resolve()
    .then(async () => {
      const postgresUrl = readPostgresUrl(process.argv[3]);
      await measure(readRoundTrips(process.argv[2]));
      if (postgresUrl !== null) await measurePostgres(postgresUrl);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
