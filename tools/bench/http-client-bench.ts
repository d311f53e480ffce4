/**
 * What one small JSON call costs the caller's process with each HTTP client kirim could use: the
 * global `fetch`, undici's `request` API (libs/platform undiciTransport, what internal calls and
 * webhooks use) and node:http with a keep-alive agent (docs/benchmarks.md, "Throughput work,
 * 2026-12-03"). A local server in the same process answers a payment-parties-sized JSON body;
 * 8 callers send `calls` requests in all after a warm-up, and the process's CPU (client and server
 * together, so read the differences) is divided by the calls.
 *
 *   npm run bench:http-client -- [calls, default 5000]
 */
import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { undiciTransport } from '@kirim/platform';

const ANSWER = JSON.stringify({
  payer: { userId: '0b6c3f0e-4a55-4d2e-9a41-2f7c1d8e9b10', bankCode: 'SBXA', accountRef: '5d1e7a3c-0f2b-4c6d-8e9a-1b2c3d4e5f60' },
  payee: { userId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', displayName: 'Asha Rao', bankCode: 'SBXB', accountRef: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' },
});
const HEADERS = { authorization: `Bearer ${'t'.repeat(600)}`, accept: 'application/json' };
const CALLERS = 8;

type Call = () => Promise<unknown>;

async function measure(name: string, call: Call, calls: number): Promise<void> {
  for (let i = 0; i < Math.min(2000, calls); i += 1) await call();
  let left = calls;
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const cpu = process.cpuUsage(before);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${name.padEnd(16)} ${((cpu.user + cpu.system) / calls).toFixed(0).padStart(5)} µs CPU per call (client and server), ${((wallMs * 1000) / calls).toFixed(0).padStart(5)} µs wall`);
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 5000);
  if (!Number.isSafeInteger(calls) || calls < 1) throw new Error(`calls must be a positive integer, not ${process.argv[2]}`);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/v1/payment-parties?payerUserId=x&payeePhone=%2B919876543210`);
  const agent = new HttpAgent({ keepAlive: true, maxSockets: CALLERS });

  const viaFetch: Call = async () => (await fetch(url, { headers: HEADERS, signal: AbortSignal.timeout(3_000) })).json();
  const viaUndici: Call = async () => (await undiciTransport(url, { method: 'GET', headers: HEADERS, signal: AbortSignal.timeout(3_000) })).json();
  const viaNodeHttp: Call = () =>
    new Promise((resolve, reject) => {
      const sent = httpRequest(url, { headers: HEADERS, agent, timeout: 3_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      sent.on('error', reject);
      sent.end();
    });

  // Twice each, interleaved: the second round is the one to read (JIT warm, pools open).
  for (let round = 1; round <= 2; round += 1) {
    await measure('fetch', viaFetch, calls);
    await measure('undiciTransport', viaUndici, calls);
    await measure('node:http', viaNodeHttp, calls);
  }
  server.closeAllConnections();
  server.close();
  agent.destroy();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
