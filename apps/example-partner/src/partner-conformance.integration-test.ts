/**
 * The example partner bank as a real process (ts-registered entry point) on the real broker and a
 * real PostgreSQL database, checked by the conformance command run as kirim would run it. A second
 * partner with a defect injected (it moves money again for a repeated requestId) must fail it.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  bankEncryptionKeyOf,
  DEAD_LETTER_HEADERS,
  encryptPinBlock,
  generateEncryptionKeyPair,
  generateRecordSigningKeyPair,
  legacyScryptUpiPinHash,
  parsePinVerificationKeys,
  PinBlock,
  partnerTopicCatalogue,
} from '@kirim/contracts';
import { createTestDatabase, createTopicsWithLeaders, eventually, TestDatabase, testKafkaClientConfig, testKafkaEnv, uniquePhone } from '@kirim/testing';

const REPO_ROOT = resolve(__dirname, '../../..');
const TS_REGISTER = join(REPO_ROOT, 'tools/ts-register.cjs');
const KEYS_BIN = 'libs/partner-kit/src/bin/partner-keys.ts';
const CONFORMANCE_BIN = 'libs/partner-kit/src/bin/partner-conformance.ts';
const GOOD = 'TSTA';
const BROKEN = 'TSTB';
const PINLESS = 'TSTC';
const ADMIN_TOKEN = 'integration-admin-token-0123456789';
const TEST_PIN = '2580';

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
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown>, contentType: response.headers.get('content-type') };
}

/** A PIN block as the customer's device makes it: for the bank's encryption key, the one kirim publishes as its PIN key. */
async function pinBlockFor(keyDir: string, block: PinBlock): Promise<string> {
  return encryptPinBlock(block, await bankEncryptionKeyOf(JSON.parse(readFileSync(join(keyDir, 'jwks.json'), 'utf8')) as { keys: [] }));
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Reads the bank's own database, as its operator would. */
async function query<T>(database: TestDatabase, sql: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('example partner bank against the conformance test', () => {
  const prefix = `it-partner-${randomBytes(3).toString('hex')}.`;
  const kafka = new Kafka({ clientId: 'it-partner', ...kafkaClientConfig, logLevel: logLevel.ERROR });
  const topics = [...partnerTopicCatalogue(GOOD), ...partnerTopicCatalogue(BROKEN), ...partnerTopicCatalogue(PINLESS)];
  const dir = mkdtempSync(join(tmpdir(), 'kirim-partner-it-'));
  const databases: TestDatabase[] = [];
  const partners: RunningPartner[] = [];
  let good: RunningPartner;
  let broken: RunningPartner;
  let pinless: RunningPartner;
  let goodMobile: string;
  let goodRun: CommandResult;
  let brokenRun: CommandResult;
  let pinlessRun: CommandResult;
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
        '--kirim-encryption-key', join(dir, 'kirim-encryption-key.pem'),
        '--kirim-encryption-key-id', 'bank-connector:enc-conformance-it',
        '--bank-jwks', join(dir, bankCode, 'jwks.json'),
        '--test-mobile', mobile,
        '--test-pin', TEST_PIN,
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
    // The broken partner also reads a platform JWKS whose encryption key is not kirim's: it encrypts
    // holder names for a key kirim does not hold, a second defect the lookup case must catch.
    KIRIM_PLATFORM_JWKS: join(dir, bankCode === BROKEN ? 'platform-jwks-foreign-enc.json' : 'platform-jwks.json'),
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
    // kirim's encryption key: the partners encrypt holder names for it, the conformance run opens them.
    const kirimEncryption = await generateEncryptionKeyPair('bank-connector:enc-conformance-it');
    writeFileSync(join(dir, 'kirim-signing-key.pem'), kirim.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'kirim-encryption-key.pem'), kirimEncryption.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'platform-jwks.json'), JSON.stringify({ keys: [kirim.publicJwk, kirimEncryption.publicJwk] }));
    const foreign = await generateEncryptionKeyPair('bank-connector:enc-not-kirims');
    writeFileSync(join(dir, 'platform-jwks-foreign-enc.json'), JSON.stringify({ keys: [kirim.publicJwk, foreign.publicJwk] }));
    const [goodKeys, brokenKeys, pinlessKeys, goodDb, brokenDb, pinlessDb] = await Promise.all([
      runTs(KEYS_BIN, ['--bank', GOOD, '--out', join(dir, GOOD)]),
      runTs(KEYS_BIN, ['--bank', BROKEN, '--out', join(dir, BROKEN)]),
      runTs(KEYS_BIN, ['--bank', PINLESS, '--out', join(dir, PINLESS)]),
      createTestDatabase('partner_good'),
      createTestDatabase('partner_broken'),
      createTestDatabase('partner_pinless'),
    ]);
    databases.push(goodDb, brokenDb, pinlessDb);
    for (const keys of [goodKeys, brokenKeys, pinlessKeys]) expect(keys).toMatchObject({ code: 0 });

    [good, broken, pinless] = await Promise.all([
      startPartner('apps/example-partner/src/main.ts', partnerEnv(GOOD, goodDb)),
      startPartner('apps/example-partner/src/testing/double-moving-partner.ts', partnerEnv(BROKEN, brokenDb)),
      startPartner('apps/example-partner/src/testing/pinless-partner.ts', partnerEnv(PINLESS, pinlessDb)),
    ]);
    partners.push(good, broken, pinless);
    await eventually(async () => {
      for (const partner of [good, broken, pinless]) expect((await fetch(`http://127.0.0.1:${partner.port}/health`)).status).toBe(200);
    }, { timeoutMs: 30_000, intervalMs: 200 });

    const opened = await Promise.all(
      ([[good, GOOD], [broken, BROKEN], [pinless, PINLESS]] as const).map(async ([partner, bankCode]) => {
        const mobile = uniquePhone();
        const account = await admin(partner, 'POST', '/v1/admin/accounts', { mobile, holderName: 'Conformance Test', openingBalance: '0.00' });
        expect(account.status).toBe(201);
        // The test account's UPI PIN, set as the bank's own channel takes it: a set-pin block from the customer's device.
        const set = await admin(partner, 'PUT', `/v1/admin/accounts/${String(account.json.accountRef)}/upi-pin`, { encryptedPin: await pinBlockFor(join(dir, bankCode), { purpose: 'set-pin', newPin: TEST_PIN, iat: nowSeconds() }) });
        expect(set).toMatchObject({ status: 200, json: { change: 'set' } });
        return mobile;
      }),
    );
    goodMobile = opened[0];
    [goodRun, brokenRun, pinlessRun] = await Promise.all([conformance(GOOD, opened[0]), conformance(BROKEN, opened[1]), conformance(PINLESS, opened[2])]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(partners.map(stopPartner));
    const adminClient = kafka.admin();
    await adminClient.connect();
    await adminClient.deleteTopics({ topics: topics.map((topic) => prefix + topic.name) }).catch(() => undefined);
    await adminClient.deleteGroups([`${prefix}partner.tsta`, `${prefix}partner.tstb`, `${prefix}partner.tstc`, dlqGroup]).catch(() => undefined);
    await adminClient.disconnect();
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the bank keys 0600 beside a public JWKS, and never overwrites them unless told to', async () => {
    const keyDir = join(dir, GOOD);
    expect(statSync(join(keyDir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(keyDir, 'encryption-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(keyDir, 'pin-verification.keys')).mode & 0o777).toBe(0o600);
    expect(parsePinVerificationKeys(readFileSync(join(keyDir, 'pin-verification.keys'), 'utf8'), 'pin-verification.keys').map((key) => key.keyId)).toEqual([expect.stringMatching(/^tsta-pvk-/)]);
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

  it('adds a PIN verification key to a key directory made before them, rotates it, and never drops one', async () => {
    const keyDir = join(dir, 'older-layout');
    expect((await runTs(KEYS_BIN, ['--bank', GOOD, '--out', keyDir, '--label', 'first'])).code).toBe(0);
    unlinkSync(join(keyDir, 'pin-verification.keys'));
    const signingKey = readFileSync(join(keyDir, 'signing-key.pem'), 'utf8');
    const keyIds = (): string[] => parsePinVerificationKeys(readFileSync(join(keyDir, 'pin-verification.keys'), 'utf8'), 'pin-verification.keys').map((key) => key.keyId);

    // What setup scripts run on every start: the missing file is made, the other keys are kept.
    const kept = await runTs(KEYS_BIN, ['--bank', GOOD, '--out', keyDir, '--keep-existing', '--label', 'second']);
    expect(kept).toMatchObject({ code: 0, stdout: expect.stringContaining('kept them and added') });
    expect(readFileSync(join(keyDir, 'signing-key.pem'), 'utf8')).toBe(signingKey);
    expect(keyIds()).toEqual(['tsta-pvk-second']);
    expect(statSync(join(keyDir, 'pin-verification.keys')).mode & 0o777).toBe(0o600);

    expect((await runTs(KEYS_BIN, ['--bank', GOOD, '--out', keyDir, '--rotate-pin-verification', '--label', 'third'])).code).toBe(0);
    expect(keyIds()).toEqual(['tsta-pvk-second', 'tsta-pvk-third']);
    expect((await runTs(KEYS_BIN, ['--bank', GOOD, '--out', keyDir, '--rotate-pin-verification', '--label', 'third'])).stderr).toMatch(/already lists PIN verification key tsta-pvk-third/);
    // Even --force, which replaces the signing and encryption keys, keeps every PIN verification key.
    expect((await runTs(KEYS_BIN, ['--bank', GOOD, '--out', keyDir, '--force', '--label', 'fourth'])).code).toBe(0);
    expect(readFileSync(join(keyDir, 'signing-key.pem'), 'utf8')).not.toBe(signingKey);
    expect(keyIds()).toEqual(['tsta-pvk-second', 'tsta-pvk-third', 'tsta-pvk-fourth']);
  });

  it('passes every conformance case, leaving the test account at 0.00', async () => {
    if (goodRun.code !== 0) throw new Error(`conformance failed (${goodRun.code}):\n${goodRun.stdout}\n${goodRun.stderr}\n--- partner log ---\n${good.logs()}`);
    const report = JSON.parse(readFileSync(join(dir, `${GOOD}-report.json`), 'utf8')) as { cases: { id: string; passed: boolean }[]; durationMs: number };
    expect(report.cases.map((result) => result.id)).toEqual([
      'lookup', 'credit', 'debit', 'debit-repeat', 'debit-rest', 'debit-insufficient',
      'debit-no-pin', 'debit-pin-other-amount', 'debit-pin-replayed', 'debit-pin-stale', 'debit-wrong-pin', 'debit-pin-tries-exceeded',
      'debit-unknown-account', 'credit-unknown-account',
      'refuse-reused-request-id', 'refuse-unsigned', 'refuse-untrusted-key', 'refuse-stale', 'refuse-altered',
    ]);
    for (const result of report.cases) expect(goodRun.stdout).toMatch(new RegExp(`^${result.id} +PASS`, 'm'));
    expect(goodRun.stdout).toMatch(/19 passed, 0 failed/);
    // The lookup's holder name came encrypted for kirim's key and opened to the name the bank holds.
    expect(goodRun.stdout).toMatch(/^lookup +PASS .*holder name encrypted for bank-connector:enc-conformance-it/m);
    process.stdout.write(`${goodRun.stdout}conformance run against ${GOOD}: ${(report.durationMs / 1000).toFixed(1)} s (command ${(goodRun.ms / 1000).toFixed(1)} s)\n`);

    const accounts = await admin(good, 'GET', `/v1/admin/accounts?mobile=${encodeURIComponent(goodMobile)}`);
    expect(accounts.json.accounts).toEqual([expect.objectContaining({ balance: { value: '0.00', currency: 'INR' }, maskedAccountNumber: expect.stringMatching(/^X{8}\d{4}$/) })]);
    // Account numbers, mobiles and PIN blocks never reach the logs.
    expect(good.logs()).not.toContain(goodMobile);
    expect(good.logs()).not.toMatch(/"[A-Za-z0-9_-]{20,}\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"/);
  });

  it("keeps only a salted keyed hash of the PIN, and the bank's admin API sets, refuses and resets PINs as the bank decides", async () => {
    const database = databases[0];
    const keyDir = join(dir, GOOD);
    const opened = await admin(good, 'POST', '/v1/admin/accounts', { mobile: uniquePhone(), holderName: 'Pin Admin', openingBalance: '0.00' });
    const path = `/v1/admin/accounts/${String(opened.json.accountRef)}/upi-pin`;
    const set = (block: PinBlock) => pinBlockFor(keyDir, block).then((encryptedPin) => admin(good, 'PUT', path, { encryptedPin }));

    expect(await set({ purpose: 'set-pin', newPin: '135790', iat: nowSeconds() })).toMatchObject({ status: 200, json: { change: 'set' } });
    const stored = await query<{ pin_hash: string; failed_tries: number }>(database, 'SELECT pin_hash, failed_tries FROM upi_pins WHERE account_ref = $1', [opened.json.accountRef]);
    expect(stored).toEqual([{ pin_hash: expect.stringMatching(/^hmac-sha256\$tsta-pvk-[^$]+\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/), failed_tries: 0 }]);
    expect(stored[0].pin_hash).not.toContain('135790');

    // Once set, a "set" cannot overwrite it: only the current PIN changes it, and a wrong one counts a try.
    expect(await set({ purpose: 'set-pin', newPin: '1111', iat: nowSeconds() })).toMatchObject({ status: 422, contentType: 'application/problem+json', json: { code: 'upi-pin-rejected', resultCode: 'U14' } });
    expect(await set({ purpose: 'change-pin', pin: '000000', newPin: '1111', iat: nowSeconds() })).toMatchObject({ status: 422, json: { resultCode: 'ZM' } });
    const replayed = await pinBlockFor(keyDir, { purpose: 'change-pin', pin: '135790', newPin: '1111', iat: nowSeconds() });
    expect(await admin(good, 'PUT', path, { encryptedPin: replayed })).toMatchObject({ status: 200, json: { change: 'changed' } });
    expect(await admin(good, 'PUT', path, { encryptedPin: replayed })).toMatchObject({ status: 422, json: { resultCode: 'U14' } });
    expect(await set({ purpose: 'change-pin', pin: '1111', newPin: '2222', iat: nowSeconds() - 3600 })).toMatchObject({ status: 422, json: { resultCode: 'U14' } });

    // The reset ends everything: no PIN, no tries; the customer sets a new one.
    expect((await admin(good, 'DELETE', path)).status).toBe(204);
    expect(await query(database, 'SELECT 1 FROM upi_pins WHERE account_ref = $1', [opened.json.accountRef])).toEqual([]);
    expect(await set({ purpose: 'set-pin', newPin: '4321', iat: nowSeconds() })).toMatchObject({ status: 200, json: { change: 'set' } });

    // A PIN stored as a legacy scrypt hash still checks: a wrong current PIN is counted, the right one changes it.
    await query(database, 'UPDATE upi_pins SET pin_hash = $2 WHERE account_ref = $1', [opened.json.accountRef, await legacyScryptUpiPinHash('4321')]);
    expect(await set({ purpose: 'change-pin', pin: '1234', newPin: '5678', iat: nowSeconds() })).toMatchObject({ status: 422, json: { resultCode: 'ZM' } });
    expect(await set({ purpose: 'change-pin', pin: '4321', newPin: '5678', iat: nowSeconds() })).toMatchObject({ status: 200, json: { change: 'changed' } });
    expect(await query(database, 'SELECT pin_hash, failed_tries FROM upi_pins WHERE account_ref = $1', [opened.json.accountRef])).toEqual([{ pin_hash: expect.stringMatching(/^hmac-sha256\$tsta-pvk-/), failed_tries: 0 }]);

    const unknown = `/v1/admin/accounts/00000000-0000-4000-8000-000000000000/upi-pin`;
    expect((await admin(good, 'DELETE', unknown)).status).toBe(404);
    expect(await admin(good, 'PUT', unknown, { encryptedPin: await pinBlockFor(keyDir, { purpose: 'set-pin', newPin: '4321', iat: nowSeconds() }) })).toMatchObject({ status: 404 });
    expect(await admin(good, 'PUT', path, { encryptedPin: '4321' })).toMatchObject({ status: 400, json: { code: 'validation-failed' } });
    const noToken = await fetch(`http://127.0.0.1:${good.port}${path}`, { method: 'DELETE' });
    expect(noToken.status).toBe(401);
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

  it('fails a partner that decides a repeated requestId afresh instead of answering from its record, or encrypts holder names for a key kirim does not hold, naming the cases', () => {
    process.stdout.write(brokenRun.stdout);
    expect(brokenRun.code).toBe(1);
    expect(brokenRun.stdout).toMatch(/^debit-repeat +FAIL .*differs from the first answer/m);
    expect(brokenRun.stdout).toMatch(/^lookup +FAIL .*kirim cannot open the holder name: .*"bank-connector:enc-not-kirims", which is not an encryption key kirim holds/m);
    expect(brokenRun.stdout).not.toContain('Conformance Test');
    expect(brokenRun.stdout.trim().split('\n').pop()).toMatch(/^FAILED: .*debit-repeat/);
  });

  it('fails a partner that does not check the UPI PIN, naming every PIN case', () => {
    process.stdout.write(pinlessRun.stdout);
    expect(pinlessRun.code).toBe(1);
    expect(pinlessRun.stdout).toMatch(/^debit-wrong-pin +FAIL .*expected ZM/m);
    expect(pinlessRun.stdout.trim().split('\n').pop()).toBe('FAILED: debit-no-pin, debit-pin-other-amount, debit-pin-replayed, debit-pin-stale, debit-wrong-pin, debit-pin-tries-exceeded');
  });
});
