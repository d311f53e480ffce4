import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Global, INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BankLegReport, BankLegToReconcile, INTERNAL_OPERATIONS, ServicePrincipal } from '@kirim/contracts';
import { MESSAGING_ENTITIES } from '@kirim/messaging';
import { alertCount, createLoggingModule, createServiceApp, InternalHttpClient, newOperatorKey, OperatorAuthModule, OperatorKeyring, parseOperatorKeyDigests, ServiceTokenSource, typeOrmOptions } from '@kirim/platform';
import { createTestDatabase, TestDatabase } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { ReconciliationModule } from './reconciliation.module';

/*
 * Reconciliation in payments against real PostgreSQL: the payments it reads, the runs and mismatches
 * it stores, and its operator endpoints over HTTP. bank-connector is stood in for by an HTTP server
 * answering INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS from a ledger this test sets (bank-connector's own
 * integration test answers it from the real sandbox ledger), reached through the real
 * InternalHttpClient with payments' service token.
 */

const SERVICE_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJjbGllbnRfaWQiOiJwYXltZW50cyJ9.c2ln';
const PAYER = { bank: 'SBXA', account: randomUUID() };
const PAYEE = { bank: 'SBXB', account: randomUUID() };
const alice = newOperatorKey('alice');

/** What "the bank" did with each request id: applied (with what moved), declined, or nothing. */
type LedgerEntry = { state: 'applied'; value: string; direction?: 'debit' | 'credit'; accountRef?: string } | { state: 'declined' };

class StaticServiceTokens extends ServiceTokenSource {
  async tokenFor(_audience: ServicePrincipal): Promise<string> {
    return SERVICE_TOKEN;
  }
  forget(): void {
    // One fixed token: nothing to forget.
  }
}

let database: TestDatabase;
let app: INestApplication;
let baseUrl: string;
let dataSource: DataSource;
let bank: Server;
const ledger = new Map<string, LedgerEntry>();
const bankCalls: { authorization: string | undefined; legs: BankLegToReconcile[] }[] = [];

function answerFor(leg: BankLegToReconcile): BankLegReport {
  const entry = ledger.get(leg.requestId);
  const base = { requestId: leg.requestId, paymentId: leg.paymentId, statusRequested: false };
  if (!entry) return { ...base, state: 'not-found', source: 'none' };
  const recorded = { purpose: leg.purpose, direction: leg.direction, bankCode: leg.bankCode, accountRef: leg.accountRef, amount: leg.amount };
  if (entry.state === 'declined') return { ...base, state: 'declined', source: 'sandbox-ledger', resultCode: 'Z9', recorded };
  return {
    ...base,
    state: 'applied',
    source: 'sandbox-ledger',
    resultCode: '00',
    rrn: '000000000001',
    recorded: { ...recorded, direction: entry.direction ?? leg.direction, accountRef: entry.accountRef ?? leg.accountRef, amount: { value: entry.value, currency: 'INR' } },
  };
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('payments_reconciliation');
  bank = createServer((request, response) => {
    void bodyOf(request).then((text) => {
      const { legs } = JSON.parse(text) as { legs: BankLegToReconcile[] };
      bankCalls.push({ authorization: request.headers.authorization, legs });
      const ok = request.method === INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS.method && request.url === INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS.path;
      response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(ok ? { legs: legs.map(answerFor), unaskedLegs: [] } : {}));
    });
  });
  await new Promise<void>((resolve) => bank.listen(0, '127.0.0.1', resolve));
  const bankUrl = `http://127.0.0.1:${(bank.address() as AddressInfo).port}`;
  // ReconciliationConfig is read from the environment when the module is created.
  Object.assign(process.env, { BANK_CONNECTOR_URL: bankUrl, RECONCILIATION_INTERVAL_MS: '0', RECONCILIATION_GRACE_MS: '60000', RECONCILIATION_PENDING_GRACE_MS: '1800000' });
  const parsed = parseOperatorKeyDigests(alice.digestEntry);
  if (!parsed.ok) throw new Error(parsed.reason);

  @Global()
  @Module({
    providers: [{ provide: InternalHttpClient, useValue: new InternalHttpClient({ baseUrls: { 'bank-connector': bankUrl }, tokens: new StaticServiceTokens() }) }],
    exports: [InternalHttpClient],
  })
  class ServiceCallsTestModule {}

  @Module({
    imports: [
      createLoggingModule('payments-it'),
      TypeOrmModule.forRoot(typeOrmOptions({ url: database.url, entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS, applicationName: 'payments-it' })),
      OperatorAuthModule.forRoot({ keyring: new OperatorKeyring(parsed.digests) }),
      ServiceCallsTestModule,
      ReconciliationModule,
    ],
  })
  class ReconciliationTestModule {}
  app = await createServiceApp(ReconciliationTestModule, { serviceName: 'payments-it', openApi: { title: 'it', description: 'it' } });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  dataSource = app.get(DataSource);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => bank?.close(resolve));
  await database?.drop();
});

beforeEach(async () => {
  await dataSource.query('TRUNCATE payments, idempotency_keys, reconciliation_runs, reconciliation_mismatches CASCADE');
  ledger.clear();
  bankCalls.length = 0;
});

interface PaymentRow {
  id: string;
  debit: string;
  credit: string | null;
  reversal: string | null;
}

/** A payment as payments stored it, last updated an hour ago (outside the grace period) unless told. */
async function storedPayment(status: string, legs: { credit?: boolean; reversal?: boolean } = {}, updatedAgoMs = 3_600_000): Promise<PaymentRow> {
  const row: PaymentRow = { id: randomUUID(), debit: randomUUID(), credit: legs.credit === false ? null : randomUUID(), reversal: legs.reversal ? randomUUID() : null };
  const at = new Date(Date.now() - updatedAgoMs);
  await dataSource.query(
    `INSERT INTO payments (id, txn_id, payer_user_id, payee_user_id, payer_bank_code, payer_account_ref, payee_bank_code, payee_account_ref,
                           amount_minor, currency, status, debit_request_id, credit_request_id, reversal_request_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'SBXA', $5, 'SBXB', $6, 50000, 'INR', $7, $8, $9, $10, $11, $11)`,
    [row.id, `KRM${randomUUID().replace(/-/g, '').toUpperCase().slice(0, 32)}`, randomUUID(), randomUUID(), PAYER.account, PAYEE.account, status, row.debit, row.credit, row.reversal, at],
  );
  return row;
}

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  authorization: string | null = `Bearer ${alice.key}`,
  body?: object,
): Promise<{ status: number; body: T; contentType: string; wwwAuthenticate: string | null }> {
  const headers: Record<string, string> = { ...(authorization !== null ? { authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, contentType: response.headers.get('content-type') ?? '', wwwAuthenticate: response.headers.get('www-authenticate') };
}

interface RunBody {
  runId: string;
  status: string;
  trigger: string;
  requestedBy: string | null;
  paymentsChecked: number;
  legsChecked: number;
  mismatches: number;
  mismatchesByKind: { kind: string; count: number }[];
}

interface MismatchPage {
  mismatches: { mismatchId: string; paymentId: string; requestId: string; kind: string; leg: string; expectedAmount: { value: string } | null; bankAmount: { value: string } | null }[];
  nextCursor: string | null;
}

const RUNS = '/internal/v1/operator/reconciliation/runs';

describe('reconciliation in payments (PostgreSQL, HTTP)', () => {
  it('finds no mismatch when the ledger agrees with every payment, and asks with its own service token', async () => {
    const completed = await storedPayment('completed');
    const reversed = await storedPayment('reversed', { reversal: true });
    ledger.set(completed.debit, { state: 'applied', value: '500.00' });
    ledger.set(completed.credit as string, { state: 'applied', value: '500.00' });
    ledger.set(reversed.debit, { state: 'applied', value: '500.00' });
    ledger.set(reversed.credit as string, { state: 'declined' });
    ledger.set(reversed.reversal as string, { state: 'applied', value: '500.00' });
    // Updated just now: within the grace period, its answer may be in flight; left to the next run.
    await storedPayment('completed', {}, 1000);
    // Waiting for its credit for 10 minutes: its status checks are at work, so only its debit is asked about.
    const crediting = await storedPayment('credit_pending', {}, 600_000);
    ledger.set(crediting.debit, { state: 'applied', value: '500.00' });

    const run = await call<RunBody>('POST', RUNS);

    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ status: 'completed', trigger: 'operator', requestedBy: 'alice', mismatches: 0, mismatchesByKind: [] });
    expect(run.body).toMatchObject({ paymentsChecked: 3, legsChecked: 6 });
    expect(bankCalls.map((bankCall) => bankCall.authorization)).toEqual([`Bearer ${SERVICE_TOKEN}`]);
    expect(bankCalls[0].legs.map((leg) => leg.requestId).sort()).toEqual([completed.debit, completed.credit, reversed.debit, reversed.credit, reversed.reversal, crediting.debit].sort());
    expect((await call<RunBody>('GET', `${RUNS}/latest`)).body).toEqual(run.body);
    expect((await call<MismatchPage>('GET', `${RUNS}/${run.body.runId}/mismatches`)).body).toEqual({ mismatches: [], nextCursor: null });
  });

  it("lets an operator narrow the grace period for one run, to judge a payment that just ended", async () => {
    const justCompleted = await storedPayment('completed', {}, 1000);
    const run = await call<RunBody>('POST', RUNS, undefined, { graceSeconds: 0 });
    expect(run.body).toMatchObject({ status: 'completed', paymentsChecked: 1, mismatches: 2 });
    expect(bankCalls[0].legs.map((leg) => leg.requestId).sort()).toEqual([justCompleted.debit, justCompleted.credit].sort());
    for (const graceSeconds of [-1, 86_401, 1.5, '0']) {
      const refused = await call('POST', RUNS, undefined, { graceSeconds });
      expect({ graceSeconds, status: refused.status, code: refused.body.code }).toEqual({ graceSeconds, status: 400, code: 'validation-failed' });
    }
  });

  it('reports each disagreement with the ledger, stores it with the run, pages through it and raises an alert for each', async () => {
    const neverCredited = await storedPayment('completed');
    ledger.set(neverCredited.debit, { state: 'applied', value: '500.00' });
    const deemedFailed = await storedPayment('debit_failed', { credit: false });
    ledger.set(deemedFailed.debit, { state: 'applied', value: '500.00' });
    const shortCredit = await storedPayment('completed');
    ledger.set(shortCredit.debit, { state: 'applied', value: '500.00' });
    ledger.set(shortCredit.credit as string, { state: 'applied', value: '499.00' });
    // Waiting an hour for a debit the bank never received.
    const stuck = await storedPayment('debit_pending', { credit: false });
    const alertsBefore = await alertCount('reconciliation-mismatch');

    const run = await call<RunBody>('POST', RUNS);

    expect(run.body).toMatchObject({ status: 'completed', mismatches: 4 });
    expect(run.body.mismatchesByKind).toEqual([
      { kind: 'amount-differs', count: 1 },
      { kind: 'bank-applied-not-counted', count: 1 },
      { kind: 'counted-not-applied', count: 1 },
      { kind: 'pending-leg-stuck', count: 1 },
    ]);
    expect(await alertCount('reconciliation-mismatch')).toBe(alertsBefore + 4);

    const first = await call<MismatchPage>('GET', `${RUNS}/${run.body.runId}/mismatches?limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.mismatches).toHaveLength(3);
    expect(first.body.nextCursor).toBe(first.body.mismatches[2].mismatchId);
    const second = await call<MismatchPage>('GET', `${RUNS}/${run.body.runId}/mismatches?limit=3&after=${first.body.nextCursor}`);
    expect(second.body.mismatches).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.mismatches, ...second.body.mismatches];
    expect(all.map((mismatch) => [mismatch.paymentId, mismatch.requestId, mismatch.leg, mismatch.kind]).sort()).toEqual(
      [
        [neverCredited.id, neverCredited.credit, 'credit', 'counted-not-applied'],
        [deemedFailed.id, deemedFailed.debit, 'debit', 'bank-applied-not-counted'],
        [shortCredit.id, shortCredit.credit, 'credit', 'amount-differs'],
        [stuck.id, stuck.debit, 'debit', 'pending-leg-stuck'],
      ].sort(),
    );
    expect(all.find((mismatch) => mismatch.kind === 'amount-differs')).toMatchObject({ expectedAmount: { value: '500.00' }, bankAmount: { value: '499.00' } });
    const onlyAmounts = await call<MismatchPage>('GET', `${RUNS}/${run.body.runId}/mismatches?kind=amount-differs`);
    expect(onlyAmounts.body.mismatches.map((mismatch) => mismatch.paymentId)).toEqual([shortCredit.id]);
  });

  it('records a failed run with its reason when bank-connector cannot answer, and 404s what does not exist', async () => {
    const payment = await storedPayment('completed');
    void payment;
    const address = bank.address() as AddressInfo;
    await new Promise((resolve) => bank.close(resolve));
    try {
      const run = await call<RunBody & { failureReason: string }>('POST', RUNS);
      expect(run.body).toMatchObject({ status: 'failed', legsChecked: 2 });
      expect(run.body.failureReason).toContain('bank-connector unreachable');
    } finally {
      await new Promise<void>((resolve) => bank.listen(address.port, '127.0.0.1', resolve));
    }
    expect((await call('GET', `${RUNS}/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', `${RUNS}/${randomUUID()}/mismatches`)).status).toBe(404);
  });

  it('validates what an operator sends', async () => {
    const run = await call<RunBody>('POST', RUNS);
    for (const query of ['limit=0', 'limit=201', 'after=-1', 'after=abc', 'kind=everything']) {
      const refused = await call('GET', `${RUNS}/${run.body.runId}/mismatches?${query}`);
      expect({ query, status: refused.status, code: refused.body.code }).toEqual({ query, status: 400, code: 'validation-failed' });
    }
    expect((await call('GET', `${RUNS}/not-a-uuid`)).body).toMatchObject({ status: 400, code: 'validation-failed', detail: 'runId must be a UUID.' });
  });

  describe('operator authentication', () => {
    const userToken = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImxvY2FsLTEifQ.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJhdWQiOlsicGF5bWVudHMiXX0.c2lnbmF0dXJl';
    const wrongKeys: [string, string | null][] = [
      ['no key', null],
      ['a wrong key', `Bearer ${newOperatorKey('alice').key}`],
      ['a user token', `Bearer ${userToken}`],
      ["payments' service token", `Bearer ${SERVICE_TOKEN}`],
      ['the key in another scheme', `Basic ${alice.key}`],
    ];

    it.each(wrongKeys)('refuses %s with 401 problem+json and WWW-Authenticate, and starts no run', async (_label, authorization) => {
      for (const [method, path] of [
        ['POST', RUNS],
        ['GET', `${RUNS}/latest`],
        ['GET', `${RUNS}/${randomUUID()}`],
        ['GET', `${RUNS}/${randomUUID()}/mismatches`],
      ]) {
        const refused = await call(method, path, authorization);
        expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 401, code: 'unauthenticated' });
        expect(refused.contentType).toContain('application/problem+json');
        expect(refused.wwwAuthenticate).toMatch(/^Bearer realm="kirim-operator"/);
      }
      expect(await dataSource.query('SELECT id FROM reconciliation_runs')).toEqual([]);
      expect(bankCalls).toEqual([]);
    });

    it('lets the right key in', async () => {
      expect((await call('GET', `${RUNS}/latest`)).status).toBe(404);
      expect((await call('POST', RUNS)).status).toBe(201);
      expect((await call('GET', `${RUNS}/latest`)).status).toBe(200);
    });
  });
});
