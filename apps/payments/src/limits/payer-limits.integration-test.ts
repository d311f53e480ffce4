/**
 * The scheme profile's payer limits against real PostgreSQL with the real migrations: concurrent
 * initiations by one payer, each in its own transaction on its own connection (as several
 * replicas would run them), never jointly pass the count, the amount or the cooling cap; exactly
 * as many succeed as the limit allows. Replays racing each other are answered, never refused.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MESSAGING_ENTITIES, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { EVENT_SOURCES } from '@kirim/contracts';
import { RandomIdGenerator, SystemClock } from '@kirim/platform';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { InitiatePaymentCommand, InitiatePaymentOutcome, InitiatePaymentUseCase } from '../payment/initiate-payment/initiate-payment.use-case';
import { PaymentTransitionStep } from '../payment/payment-transition-step';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from '../payment/payment.repository';
import { FakePartyDirectory } from '../testing/payment-fakes';
import { loadSchemeProfile } from './scheme-profile';
import { TypeOrmPayerUsageRepository } from './typeorm-payer-usage.repository';

const PAYER_ID = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
const PAYEE_ID = 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0';
const PAYER_ACCOUNT = { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' };
const PAYEE_ACCOUNT = { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' };
const UPI = loadSchemeProfile({ name: 'upi' });
/** More connections than the default 10, so that many transactions really wait on the payer lock at once. */
const POOL_SIZE = 32;

describe('payer limits under concurrency (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let initiate: InitiatePaymentUseCase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase(
      'payer_limits',
      { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS },
      { poolSize: POOL_SIZE },
    );
    dataSource = database.dataSource;
    const parties = new FakePartyDirectory({
      ok: true,
      parties: { payer: { userId: PAYER_ID, ...PAYER_ACCOUNT }, payee: { userId: PAYEE_ID, displayName: 'Asha', ...PAYEE_ACCOUNT } },
    });
    const payments = new TypeOrmPaymentRepository(dataSource);
    const ids = new RandomIdGenerator();
    initiate = new InitiatePaymentUseCase(
      new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS)),
      payments,
      new TypeOrmIdempotencyKeyRepository(dataSource),
      parties,
      new SystemClock(),
      ids,
      UPI,
      new TypeOrmPayerUsageRepository(),
      new PaymentTransitionStep(payments, ids, UPI),
    );
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE payments, idempotency_keys, payment_operator_actions, outbox_messages, inbox_messages');
  });

  let keySequence = 0;
  const command = (overrides: Partial<InitiatePaymentCommand> = {}): InitiatePaymentCommand => ({
    payerUserId: PAYER_ID,
    deviceBoundAt: null,
    idempotencyKey: `limits-${++keySequence}`,
    payeePhone: '+919876543210',
    encryptedPin: 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn',
    amount: { value: '1.00', currency: 'INR' },
    note: null,
    ...overrides,
  });

  /** Starts all at once and waits for all: no initiation sees another's outcome before it starts. */
  const concurrently = (commands: InitiatePaymentCommand[]): Promise<InitiatePaymentOutcome[]> => Promise.all(commands.map((c) => initiate.execute(c)));

  const tally = (outcomes: InitiatePaymentOutcome[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) {
      const key = outcome.ok ? 'accepted' : `${outcome.code} ${outcome.resultCode ?? ''}`.trim();
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };

  const stored = async (): Promise<{ count: number; total: string }> => {
    const [row] = (await dataSource.query(`SELECT count(*)::int AS count, coalesce(sum(amount_minor), 0)::text AS total FROM payments WHERE payer_user_id = $1`, [
      PAYER_ID,
    ])) as [{ count: number; total: string }];
    return row;
  };

  it('30 concurrent payments: exactly 20 pass the rolling count, 10 are refused with Z7', async () => {
    const outcomes = await concurrently(Array.from({ length: 30 }, () => command()));

    expect(tally(outcomes)).toEqual({ accepted: 20, 'daily-count-limit Z7': 10 });
    expect(await stored()).toEqual({ count: 20, total: '2000' });
  });

  it('12 concurrent payments of ₹15,000: exactly 6 fit the ₹1,00,000 rolling amount, 6 are refused with Z8', async () => {
    const outcomes = await concurrently(Array.from({ length: 12 }, () => command({ amount: { value: '15000.00', currency: 'INR' } })));

    expect(tally(outcomes)).toEqual({ accepted: 6, 'daily-amount-limit Z8': 6 });
    expect(await stored()).toEqual({ count: 6, total: '9000000' });
  });

  it('a new device: 10 concurrent payments of ₹1,000 in the cooling period, exactly 5 fit the ₹5,000 cap, 5 are refused with FP', async () => {
    const deviceBoundAt = new Date(Date.now() - 3_600_000);
    // ₹20,000 sent from the previous device, before this binding: not part of the cooling total.
    await dataSource.query(
      `INSERT INTO payments (id, txn_id, payer_user_id, payee_user_id, payer_bank_code, payer_account_ref, payee_bank_code, payee_account_ref,
                             amount_minor, currency, status, created_at, updated_at)
       VALUES (gen_random_uuid(), rpad('KRMOLD', 35, '0'), $1, $2, 'SBXA', $3, 'SBXB', $4, 2000000, 'INR', 'completed', $5, $5)`,
      [PAYER_ID, PAYEE_ID, PAYER_ACCOUNT.accountRef, PAYEE_ACCOUNT.accountRef, new Date(deviceBoundAt.getTime() - 60_000)],
    );

    const outcomes = await concurrently(Array.from({ length: 10 }, () => command({ deviceBoundAt, amount: { value: '1000.00', currency: 'INR' } })));

    expect(tally(outcomes)).toEqual({ accepted: 5, 'new-device-limit FP': 5 });
    expect(await stored()).toEqual({ count: 6, total: '2500000' });
    // A single payment above the cap is FL; a sandbox-login token (no binding) has no cooling period.
    expect(await initiate.execute(command({ deviceBoundAt, amount: { value: '5000.01', currency: 'INR' } }))).toMatchObject({ ok: false, resultCode: 'FL' });
    expect(await initiate.execute(command({ deviceBoundAt: null, amount: { value: '5000.00', currency: 'INR' } }))).toMatchObject({ ok: true });
  });

  it('a failed debit frees its share of the limits; payments older than 24 hours have left the window', async () => {
    const first = await concurrently(Array.from({ length: 20 }, () => command()));
    expect(tally(first)).toEqual({ accepted: 20 });
    expect(await initiate.execute(command())).toMatchObject({ ok: false, code: 'daily-count-limit' });

    // Two debits declined, two payments moved back beyond the window (as if made 25 h ago).
    await dataSource.query(`UPDATE payments SET status = 'debit_failed', leg_check_at = NULL WHERE id IN (SELECT id FROM payments ORDER BY id LIMIT 2)`);
    await dataSource.query(
      `UPDATE payments SET created_at = now() - interval '25 hours' WHERE id IN (SELECT id FROM payments WHERE status <> 'debit_failed' ORDER BY id LIMIT 2)`,
    );

    const again = await concurrently(Array.from({ length: 6 }, () => command()));
    expect(tally(again)).toEqual({ accepted: 4, 'daily-count-limit Z7': 2 });
  });

  it('concurrent retries with one Idempotency-Key at the limit: all answered with the one payment, none refused, counted once', async () => {
    await concurrently(Array.from({ length: 19 }, () => command()));
    const twin = command({ idempotencyKey: 'the-20th' });

    const outcomes = await concurrently(Array.from({ length: 8 }, () => twin));

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const ids = new Set(outcomes.map((outcome) => (outcome.ok ? outcome.payment.id : null)));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((outcome) => outcome.ok && !outcome.replayed)).toHaveLength(1);
    expect((await stored()).count).toBe(20);
    expect(await initiate.execute(command())).toMatchObject({ ok: false, code: 'daily-count-limit' });
  });

  const usageOf = (payerUserId: string) => ({ payerUserId, currency: 'INR' as const, windowStart: new Date(Date.now() - 86_400_000), coolingStart: null });

  /** Runs `work` in a transaction of its own connection, rolled back at the end. */
  const inOwnTransaction = async <T>(work: (manager: DataSource['manager']) => Promise<T>): Promise<T> => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      return await work(runner.manager);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  };

  it('lets the payer reach the ₹1,00,000 rolling amount exactly, and refuses one paisa more with Z8', async () => {
    expect(await initiate.execute(command({ amount: { value: '60000.00', currency: 'INR' } }))).toMatchObject({ ok: true });
    expect(await initiate.execute(command({ amount: { value: '40000.00', currency: 'INR' } }))).toMatchObject({ ok: true });

    expect(await initiate.execute(command({ amount: { value: '0.01', currency: 'INR' } }))).toMatchObject({ ok: false, code: 'daily-amount-limit', resultCode: 'Z8' });
    expect(await stored()).toEqual({ count: 2, total: '10000000' });
  });

  it('serializes one payer only: another payer is not held up by a payer whose lock is taken', async () => {
    const usage = new TypeOrmPayerUsageRepository();
    await inOwnTransaction(async (holder) => {
      await usage.lockAndMeasure({ manager: holder }, usageOf(PAYER_ID));
      await inOwnTransaction(async (other) => {
        // Another payer's lock is free at once; the same payer's is not.
        await other.query('SET LOCAL lock_timeout = 200');
        await usage.lockAndMeasure({ manager: other }, usageOf('e0e0e0e0-e0e0-4e0e-8e0e-e0e0e0e0e0e0'));
        await expect(usage.lockAndMeasure({ manager: other }, usageOf(PAYER_ID))).rejects.toThrow(/lock timeout/);
      });
    });
  });

  it("measures after the lock is granted: a waiter counts the payment its lock's previous holder committed meanwhile", async () => {
    await concurrently(Array.from({ length: 2 }, () => command({ amount: { value: '5.00', currency: 'INR' } })));
    const usage = new TypeOrmPayerUsageRepository();
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let waiter: Promise<Awaited<ReturnType<TypeOrmPayerUsageRepository['lockAndMeasure']>>> | undefined;
    try {
      expect(await usage.lockAndMeasure({ manager: holder.manager }, usageOf(PAYER_ID))).toEqual({ count: 2, amountMinor: 1000n, sinceDeviceBoundMinor: 0n });
      // The waiter's call starts (its statement's snapshot taken) while the holder still has the lock.
      waiter = inOwnTransaction((manager) => usage.lockAndMeasure({ manager }, usageOf(PAYER_ID)));
      await waitUntilWaitingForAdvisoryLock();
      // The holder pays once more and commits: only then is the waiter granted the lock.
      // A copy of one of the payer's payments, for ₹7.
      await holder.query(
        `INSERT INTO payments
         SELECT (jsonb_populate_record(NULL::payments, to_jsonb(p) || jsonb_build_object(
                  'id', gen_random_uuid(), 'txn_id', 'KRM' || substr(md5(random()::text), 1, 32), 'amount_minor', 700))).*
           FROM payments p WHERE payer_user_id = $1 LIMIT 1`,
        [PAYER_ID],
      );
      await holder.commitTransaction();
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    expect(await waiter).toEqual({ count: 3, amountMinor: 1700n, sinceDeviceBoundMinor: 0n });
  });

  /** Resolves once some other session of this database waits for an advisory lock. */
  const waitUntilWaitingForAdvisoryLock = async (): Promise<void> => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const [row] = (await dataSource.query(
        `SELECT count(*)::int AS waiting FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      )) as [{ waiting: number }];
      if (row.waiting > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('no session waited for the payer lock');
  };

  it("measures the window from payments_payer_window_idx: the query inside payer_usage_under_lock, as the database holds it", async () => {
    await concurrently(Array.from({ length: 5 }, () => command()));
    const [{ body }] = (await dataSource.query(`SELECT prosrc AS body FROM pg_proc WHERE proname = 'payer_usage_under_lock'`)) as [{ body: string }];
    const measure = /RETURN QUERY([\s\S]*?);/.exec(body)?.[1];
    if (measure === undefined) throw new Error('payer_usage_under_lock has no RETURN QUERY');
    // The function's arguments as parameters, so the plan is the one its query gets.
    const query = measure
      .replace(/\bpayer::uuid\b/g, '$1::uuid')
      .replace(/\bwindow_start\b/g, '$2::timestamptz')
      .replace(/\bcooling_start\b/g, '$3::timestamptz')
      .replace(/\bpayment_currency\b/g, '$4::char(3)');
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // The table is tiny here; forbid the sequential scan to see which index the query can use.
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan = (await runner.query(`EXPLAIN ${query}`, [PAYER_ID, new Date(Date.now() - 86_400_000), null, 'INR'])) as Array<{ 'QUERY PLAN': string }>;
      expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toMatch(/Index Only Scan using payments_payer_window_idx|Index Scan using payments_payer_window_idx/);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
  });
});
