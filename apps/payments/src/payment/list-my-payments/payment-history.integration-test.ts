/**
 * A user's history against real PostgreSQL with the real migrations: the keyset query pages through
 * payments sharing a created_at without overlap or gap while new ones are inserted between pages,
 * applies every filter in SQL, never returns another user's payment, and is served by the two
 * history indexes.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PaymentStatus } from '@kirim/contracts';
import { MESSAGING_ENTITIES } from '@kirim/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from '../../migrations';
import { samplePayment } from '../../testing/payment-fakes';
import { Payment } from '../payment';
import { PAYMENT_ENTITIES } from '../payment-entities';
import { TypeOrmPaymentRepository } from '../payment.repository';
import { ListMyPaymentsQuery, ListMyPaymentsUseCase } from './list-my-payments.use-case';
import { PaymentHistoryQuery } from './payment-history.repository';
import { paymentHistoryQuery, TypeOrmPaymentHistoryRepository } from './typeorm-payment-history.repository';

const ME = 'a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1';
const BALA = 'b2b2b2b2-b2b2-4b2b-8b2b-b2b2b2b2b2b2';
const CHITRA = 'c3c3c3c3-c3c3-4c3c-8c3c-c3c3c3c3c3c3';
const SAME_INSTANT = '2026-11-28T09:00:00.000Z';

describe('payment history (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let payments: TypeOrmPaymentRepository;
  let listMyPayments: ListMyPaymentsUseCase;
  let sequence = 0;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('payments_history', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS });
    dataSource = database.dataSource;
    payments = new TypeOrmPaymentRepository(dataSource);
    listMyPayments = new ListMyPaymentsUseCase(new TypeOrmPaymentHistoryRepository(dataSource));
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE payments CASCADE');
  });

  /** Stores a payment; ids are random so equal created_at values are ordered by arbitrary ids, as in production. */
  async function stored(options: { payer?: string; payee?: string; at?: string; status?: PaymentStatus } = {}): Promise<Payment> {
    sequence += 1;
    const payment = samplePayment(
      options.status ?? 'completed',
      { payerUserId: options.payer ?? ME, payeeUserId: options.payee ?? BALA, createdAt: new Date(options.at ?? SAME_INSTANT), updatedAt: new Date(options.at ?? SAME_INSTANT) },
      crypto.randomUUID(),
    );
    await payments.insert({ manager: dataSource.manager }, { ...payment, note: `#${sequence}` });
    return payment;
  }

  async function page(query: Omit<ListMyPaymentsQuery, 'userId'>, userId = ME): Promise<{ ids: string[]; directions: string[]; nextCursor: string | null }> {
    const outcome = await listMyPayments.execute({ userId, ...query });
    if (!outcome.ok) throw new Error(`refused: ${outcome.errors.join('; ')}`);
    return { ids: outcome.items.map((item) => item.payment.id), directions: outcome.items.map((item) => item.direction), nextCursor: outcome.nextCursor };
  }

  /** Newest first, then by id descending: the order the history promises. */
  function historyOrder(rows: readonly Payment[]): string[] {
    return [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((p) => p.id);
  }

  it('pages through payments sharing a created_at, sent and received, without overlap or gap while others are inserted', async () => {
    const original: Payment[] = [];
    for (let n = 0; n < 12; n += 1) original.push(await stored(n % 3 === 0 ? { payer: BALA, payee: ME } : {}));
    original.push(await stored({ at: '2026-11-27T09:00:00.000Z' }), await stored({ payer: CHITRA, payee: ME, at: '2026-11-27T09:00:00.000Z' }));
    const expected = historyOrder(original);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const next = await page({ limit: 4, ...(cursor !== undefined ? { cursor } : {}) });
      seen.push(...next.ids);
      cursor = next.nextCursor ?? undefined;
      // Between pages: a newer payment, and more at the same instant as the ones being paged (their
      // random ids fall on either side of the cursor's). None may push an original out or in twice.
      await stored({ at: '2026-11-29T09:00:00.000Z' });
      await stored({ payer: BALA, payee: ME });
    } while (cursor !== undefined);

    const originalsSeen = seen.filter((id) => expected.includes(id));
    expect(originalsSeen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists only the caller’s payments: another user’s between two others never appear', async () => {
    const mine = [await stored(), await stored({ payer: BALA, payee: ME })];
    const theirs = await stored({ payer: BALA, payee: CHITRA });
    expect((await page({})).ids.sort()).toEqual(mine.map((p) => p.id).sort());
    expect((await page({}, CHITRA)).ids).toEqual([theirs.id]);
    expect((await page({}, BALA)).ids).toHaveLength(3);
  });

  it('marks each payment sent or received, and lists a payment to oneself once', async () => {
    const sent = await stored({ at: '2026-11-28T10:00:00.000Z' });
    const received = await stored({ payer: BALA, payee: ME, at: '2026-11-28T09:00:00.000Z' });
    const toSelf = await stored({ payer: ME, payee: ME, at: '2026-11-28T08:00:00.000Z' });
    expect(await page({})).toMatchObject({ ids: [sent.id, received.id, toSelf.id], directions: ['sent', 'received', 'sent'] });
  });

  it('filters by status, window, direction and counterparty in SQL', async () => {
    const before = await stored({ at: '2026-10-31T23:59:59.999Z' });
    const failed = await stored({ at: '2026-11-01T00:00:00.000Z', status: 'debit_failed' });
    const toChitra = await stored({ payee: CHITRA, at: '2026-11-15T00:00:00.000Z' });
    const fromChitra = await stored({ payer: CHITRA, payee: ME, at: '2026-11-20T00:00:00.000Z', status: 'reversed' });
    const atTo = await stored({ at: '2026-12-01T00:00:00.000Z' });
    const november = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };

    expect((await page(november)).ids).toEqual([fromChitra.id, toChitra.id, failed.id]);
    expect((await page({ ...november, statuses: ['completed', 'reversed'] })).ids).toEqual([fromChitra.id, toChitra.id]);
    expect((await page({ statuses: ['completed'] })).ids).toEqual([atTo.id, toChitra.id, before.id]);
    expect((await page({ counterpartyUserId: CHITRA })).ids).toEqual([fromChitra.id, toChitra.id]);
    expect((await page({ counterpartyUserId: CHITRA, direction: 'received' })).ids).toEqual([fromChitra.id]);
    expect((await page({ direction: 'sent', from: new Date('2026-11-15T00:00:00Z') })).ids).toEqual([atTo.id, toChitra.id]);
  });

  it('keeps the filters across pages', async () => {
    const completed: Payment[] = [];
    for (let n = 0; n < 5; n += 1) {
      completed.push(await stored({ at: `2026-11-${10 + n}T00:00:00.000Z` }));
      await stored({ at: `2026-11-${10 + n}T00:00:00.000Z`, status: 'debit_failed' });
    }
    const first = await page({ statuses: ['completed'], limit: 3 });
    const second = await page({ statuses: ['completed'], limit: 3, cursor: first.nextCursor ?? 'missing' });
    expect([...first.ids, ...second.ids]).toEqual(historyOrder(completed));
    expect(second.nextCursor).toBeNull();
  });

  it('is served by the two history indexes, each scan in the keyset order (no sort of a user’s whole history)', async () => {
    for (let n = 0; n < 5; n += 1) await stored(n % 2 === 0 ? {} : { payer: BALA, payee: ME });
    const query: PaymentHistoryQuery = {
      userId: ME,
      direction: null,
      counterpartyUserId: null,
      statuses: ['completed'],
      from: null,
      to: null,
      before: { createdAt: new Date(SAME_INSTANT), id: 'ffffffff-ffff-4fff-8fff-ffffffffffff' },
      limit: 21,
    };
    const [sql, parameters] = paymentHistoryQuery(dataSource.manager, query).getQueryAndParameters();
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // The table is tiny here; forbid the sequential and bitmap scans to see which ordered index scans the query can use.
      await runner.query('SET LOCAL enable_seqscan = off');
      await runner.query('SET LOCAL enable_bitmapscan = off');
      const plan = ((await runner.query(`EXPLAIN ${sql}`, parameters)) as Array<{ 'QUERY PLAN': string }>).map((line) => line['QUERY PLAN']).join('\n');
      await runner.rollbackTransaction();
      // Each direction's LIMIT reads its index in order: no sort of the user's rows under it.
      expect(plan).toMatch(/Limit .*\n\s*-> {2}Index (Only )?Scan using payments_payer_window_idx/);
      expect(plan).toMatch(/Limit .*\n\s*-> {2}Index (Only )?Scan using payments_payee_history_idx/);
      // The keyset position is an index condition of both scans, not a filter over rows read.
      expect(plan.match(/Index Cond: .*ROW\(created_at, id\) < ROW/g)).toHaveLength(2);
    } finally {
      await runner.release();
    }
  });
});
