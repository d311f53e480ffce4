/**
 * The example partner bank as a real process (ts-registered entry point) on the real broker and a
 * real PostgreSQL database, checked by the conformance command run as kirim would run it. A second
 * partner with a defect injected (it moves money again for a repeated requestId) must fail it.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DEAD_LETTER_HEADERS, generateRecordSigningKeyPair, partnerTopicCatalogue } from '@kirim/contracts';
import { createTestDatabase, createTopicsWithLeaders, eventually, TestDatabase, testKafkaClientConfig, testKafkaEnv, uniquePhone } from '@kirim/testing';

const REPO_ROOT = resolve(__dirname, '../../..');
const TS_REGISTER = join(REPO_ROOT, 'tools/ts-register.cjs');
const KEYS_BIN = 'libs/partner-kit/src/bin/partner-keys.ts';
const CONFORMANCE_BIN = 'libs/partner-kit/src/bin/partner-conformance.ts';
const GOOD = 'TSTA';
const BROKEN = 'TSTB';
const ADMIN_TOKEN = 'integration-admin-token-0123456789';

// The broker's credentials for this test: one line to change if the local broker's setup changes.
const kafkaClientConfig = testKafkaClientConfig();
const kafkaEnv = testKafkaEnv();

interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function runTs(script: string, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', TS_REGISTER, script, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

interface RunningPartner {
  readonly child: ChildProcessWithoutNullStreams;
  readonly logs: () => string;
  readonly port: number;
}

async function startPartner(entry: string, env: Record<string, string>): Promise<RunningPartner> {
  const child = spawn(process.execPath, ['-r', TS_REGISTER, entry], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let port = 0;
  await eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`partner exited (${child.exitCode}):\n${output}`);
      const line = output.split('\n').find((candidate) => candidate.includes('"msg":"http listening"'));
      if (!line) throw new Error(`partner not listening yet:\n${output}`);
      port = (JSON.parse(line) as { port: number }).port;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return { child, logs: () => output, port };
}

async function stopPartner(partner: RunningPartner | undefined): Promise<void> {
  if (!partner || partner.child.exitCode !== null) return;
  const exited = new Promise((resolveExit) => partner.child.once('exit', resolveExit));
  partner.child.kill('SIGTERM');
  await exited;
}

async function admin(partner: RunningPartner, method: string, path: string, body?: object): Promise<{ status: number; json: Record<string, unknown>; contentType: string | null }> {
  const response = await fetch(`http://127.0.0.1:${partner.port}${path}`, {
    method,
    headers: { 'x-partner-admin-token': ADMIN_TOKEN, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, contentType: response.headers.get('content-type') };
}

describe('example partner bank against the conformance test', () => {
  const prefix = `it-partner-${randomBytes(3).toString('hex')}.`;
  const kafka = new Kafka({ clientId: 'it-partner', ...kafkaClientConfig, logLevel: logLevel.ERROR });
  const topics = [...partnerTopicCatalogue(GOOD), ...partnerTopicCatalogue(BROKEN)];
  const dir = mkdtempSync(join(tmpdir(), 'kirim-partner-it-'));
  const databases: TestDatabase[] = [];
  const partners: RunningPartner[] = [];
  let good: RunningPartner;
  let broken: RunningPartner;
  let goodMobile: string;
  let goodRun: CommandResult;
  let brokenRun: CommandResult;
  const dlqGroup = `it-partner-dlq-${randomBytes(3).toString('hex')}`;

  const conformance = (bankCode: string, mobile: string, extra: string[] = []): Promise<CommandResult> =>
    runTs(
      CONFORMANCE_BIN,
      [
        '--brokers', kafkaEnv.KAFKA_BROKERS,
        '--sasl-username', kafkaEnv.KAFKA_SASL_USERNAME,
        '--topic-prefix', prefix,
        '--bank', bankCode,
        '--kirim-signing-key', join(dir, 'kirim-signing-key.pem'),
        '--kirim-signing-key-id', 'bank-connector:conformance-it',
        '--bank-jwks', join(dir, bankCode, 'jwks.json'),
        '--test-mobile', mobile,
        '--report-json', join(dir, `${bankCode}-report.json`),
        ...extra,
      ],
      { KAFKA_SASL_PASSWORD: kafkaEnv.KAFKA_SASL_PASSWORD },
    );

  const partnerEnv = (bankCode: string, database: TestDatabase): Record<string, string> => ({
    ...kafkaEnv,
    PARTNER_BANK_CODE: bankCode,
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: database.url,
    PARTNER_KEYS_DIR: join(dir, bankCode),
    KIRIM_PLATFORM_JWKS: join(dir, 'platform-jwks.json'),
    HTTP_PORT: '0',
    PARTNER_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'info',
  });

  beforeAll(async () => {
    const adminClient = kafka.admin();
    await adminClient.connect();
    try {
      await createTopicsWithLeaders(adminClient, topics.map((topic) => ({ topic: prefix + topic.name, numPartitions: topic.partitions, replicationFactor: 1 })));
    } finally {
      await adminClient.disconnect();
    }
    const kirim = await generateRecordSigningKeyPair('bank-connector:conformance-it');
    writeFileSync(join(dir, 'kirim-signing-key.pem'), kirim.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'platform-jwks.json'), JSON.stringify({ keys: [kirim.publicJwk] }));
    const [goodKeys, brokenKeys, goodDb, brokenDb] = await Promise.all([
      runTs(KEYS_BIN, ['--bank', GOOD, '--out', join(dir, GOOD)]),
      runTs(KEYS_BIN, ['--bank', BROKEN, '--out', join(dir, BROKEN)]),
      createTestDatabase('partner_good'),
      createTestDatabase('partner_broken'),
    ]);
    databases.push(goodDb, brokenDb);
    expect(goodKeys).toMatchObject({ code: 0 });
    expect(brokenKeys).toMatchObject({ code: 0 });

    [good, broken] = await Promise.all([
      startPartner('apps/example-partner/src/main.ts', partnerEnv(GOOD, goodDb)),
      startPartner('apps/example-partner/src/testing/double-moving-partner.ts', partnerEnv(BROKEN, brokenDb)),
    ]);
    partners.push(good, broken);
    await eventually(async () => {
      for (const partner of [good, broken]) expect((await fetch(`http://127.0.0.1:${partner.port}/health`)).status).toBe(200);
    }, { timeoutMs: 30_000, intervalMs: 200 });

    goodMobile = uniquePhone();
    const brokenMobile = uniquePhone();
    expect((await admin(good, 'POST', '/v1/admin/accounts', { mobile: goodMobile, holderName: 'Conformance Test', openingBalance: '0.00' })).status).toBe(201);
    expect((await admin(broken, 'POST', '/v1/admin/accounts', { mobile: brokenMobile, holderName: 'Conformance Test', openingBalance: '0.00' })).status).toBe(201);
    [goodRun, brokenRun] = await Promise.all([conformance(GOOD, goodMobile), conformance(BROKEN, brokenMobile)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(partners.map(stopPartner));
    const adminClient = kafka.admin();
    await adminClient.connect();
    await adminClient.deleteTopics({ topics: topics.map((topic) => prefix + topic.name) }).catch(() => undefined);
    await adminClient.deleteGroups([`${prefix}partner.tsta`, `${prefix}partner.tstb`, dlqGroup]).catch(() => undefined);
    await adminClient.disconnect();
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the bank keys 0600 beside a public JWKS, and never overwrites them unless told to', async () => {
    const keyDir = join(dir, GOOD);
    expect(statSync(join(keyDir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(keyDir, 'encryption-key.pem')).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(join(keyDir, 'jwks.json'), 'utf8')) as { keys: { use: string; kid: string; d?: string }[] };
    expect(jwks.keys.map((key) => key.use)).toEqual(['sig', 'enc']);
    expect(jwks.keys.every((key) => key.d === undefined && key.kid.startsWith('tsta-'))).toBe(true);
    const before = readFileSync(join(keyDir, 'signing-key.pem'), 'utf8');
    const again = await runTs(KEYS_BIN, ['--bank', GOOD, '--out', keyDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exist and are kept/);
    expect((await runTs(KEYS_BIN, ['--bank', GOOD, '--out', keyDir, '--keep-existing'])).code).toBe(0);
    expect(readFileSync(join(keyDir, 'signing-key.pem'), 'utf8')).toBe(before);
  });

  it('passes every conformance case, leaving the test account at 0.00', async () => {
    if (goodRun.code !== 0) throw new Error(`conformance failed (${goodRun.code}):\n${goodRun.stdout}\n${goodRun.stderr}\n--- partner log ---\n${good.logs()}`);
    const report = JSON.parse(readFileSync(join(dir, `${GOOD}-report.json`), 'utf8')) as { cases: { id: string; passed: boolean }[]; durationMs: number };
    expect(report.cases.map((result) => result.id)).toEqual([
      'lookup', 'credit', 'debit', 'debit-repeat', 'debit-rest', 'debit-insufficient', 'debit-unknown-account', 'credit-unknown-account',
      'refuse-reused-request-id', 'refuse-unsigned', 'refuse-untrusted-key', 'refuse-stale', 'refuse-altered',
    ]);
    for (const result of report.cases) expect(goodRun.stdout).toMatch(new RegExp(`^${result.id} +PASS`, 'm'));
    expect(goodRun.stdout).toMatch(/13 passed, 0 failed/);
    process.stdout.write(`${goodRun.stdout}conformance run against ${GOOD}: ${(report.durationMs / 1000).toFixed(1)} s (command ${(goodRun.ms / 1000).toFixed(1)} s)\n`);

    const accounts = await admin(good, 'GET', `/v1/admin/accounts?mobile=${encodeURIComponent(goodMobile)}`);
    expect(accounts.json.accounts).toEqual([expect.objectContaining({ balance: { value: '0.00', currency: 'INR' }, maskedAccountNumber: expect.stringMatching(/^X{8}\d{4}$/) })]);
    // Account numbers and mobiles never reach the logs.
    expect(good.logs()).not.toContain(goodMobile);
  });

  it('dead-letters each refused request with its reason and the original record', async () => {
    const reasons: string[] = [];
    const consumer = kafka.consumer({ groupId: dlqGroup });
    await consumer.connect();
    await consumer.subscribe({ topics: [`${prefix}partner.tsta.requests.v1.dlq`], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        reasons.push(String(message.headers?.[DEAD_LETTER_HEADERS.REASON]));
      },
    });
    try {
      await eventually(() => expect(reasons).toHaveLength(5), { timeoutMs: 15_000 });
    } finally {
      await consumer.disconnect();
    }
    expect(reasons.sort()).toEqual([
      expect.stringMatching(/^late: ce_time is \d+ s old/),
      expect.stringMatching(/^requestId .* was already answered for other content/),
      expect.stringMatching(/^signature by key .* does not verify/),
      expect.stringMatching(/^signed with key "bank-connector:untrusted-.*not a trusted key of bank-connector/),
      expect.stringMatching(/^unsigned/),
    ]);
  });

  it('answers the admin API with problem+json on bad input and a wrong token', async () => {
    const bad = await admin(good, 'POST', '/v1/admin/accounts', { mobile: '12345', holderName: '' });
    expect(bad).toMatchObject({ status: 400, contentType: 'application/problem+json', json: { code: 'validation-failed' } });
    const response = await fetch(`http://127.0.0.1:${good.port}/v1/admin/accounts?mobile=%2B919800000001`, { headers: { 'x-partner-admin-token': 'wrong-token-wrong-token' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('fails a partner that moves money again for a repeated requestId, naming the case', () => {
    process.stdout.write(brokenRun.stdout);
    expect(brokenRun.code).toBe(1);
    expect(brokenRun.stdout).toMatch(/^debit-repeat +FAIL .*differs from the first answer/m);
    expect(brokenRun.stdout.trim().split('\n').pop()).toMatch(/^FAILED: .*debit-repeat/);
  });
});
