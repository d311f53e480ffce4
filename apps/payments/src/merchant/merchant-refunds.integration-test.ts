/**
 * Merchant orders and refunds against real PostgreSQL with the real migrations: concurrent refunds
 * of one order, each in its own transaction on its own connection (as several replicas would run
 * them), never add up to more than was paid; concurrent requests with one refund reference make one
 * refund; concurrent payments of one order make one payment; the history pages through the index.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, Money } from '@kirim/contracts';
import { MESSAGING_ENTITIES, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { RandomIdGenerator, SystemClock } from '@kirim/platform';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { loadSchemeProfile } from '../limits/scheme-profile';
import { TypeOrmPayerUsageRepository } from '../limits/typeorm-payer-usage.repository';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from '../payment/payment.repository';
import { PaymentTransitionStep } from '../payment/payment-transition-step';
import { MERCHANT_PARTIES, sampleMerchant, SAMPLE_CUSTOMER_ID } from '../testing/merchant-fakes';
import { FakePartyDirectory, TEST_PIN_BLOCK } from '../testing/payment-fakes';
import { CreateMerchantOrderUseCase } from './create-merchant-order/create-merchant-order.use-case';
import { ListMerchantPaymentsUseCase } from './list-merchant-payments/list-merchant-payments.use-case';
import { MerchantOrder } from './merchant';
import { PayMerchantOrderUseCase } from './pay-merchant-order/pay-merchant-order.use-case';
import { RefundMerchantOrderOutcome, RefundMerchantOrderUseCase } from './refund-merchant-order/refund-merchant-order.use-case';
import { TypeOrmMerchantOrderRepository } from './typeorm-merchant-order.repository';
import { TypeOrmMerchantRepository } from './typeorm-merchant.repository';

const UPI = loadSchemeProfile({ name: 'upi' });
/** More connections than the default, so that many transactions really wait on the order's lock at once. */
const POOL_SIZE = 24;

describe('merchant refunds under concurrency (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let payments: TypeOrmPaymentRepository;
  let createOrder: CreateMerchantOrderUseCase;
  let payOrder: PayMerchantOrderUseCase;
  let refund: RefundMerchantOrderUseCase;
  let history: ListMerchantPaymentsUseCase;
  const merchant = sampleMerchant();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('merchant_refunds', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS }, { poolSize: POOL_SIZE });
    dataSource = database.dataSource;
    payments = new TypeOrmPaymentRepository(dataSource);
    const ids = new RandomIdGenerator();
    const clock = new SystemClock();
    const unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS));
    const orders = new TypeOrmMerchantOrderRepository(dataSource);
    const merchants = new TypeOrmMerchantRepository(dataSource);
    const step = new PaymentTransitionStep(payments, ids, UPI);
    createOrder = new CreateMerchantOrderUseCase(orders, clock, ids, UPI);
    payOrder = new PayMerchantOrderUseCase(
      unitOfWork,
      orders,
      merchants,
      payments,
      new TypeOrmIdempotencyKeyRepository(dataSource),
      new FakePartyDirectory({ ok: true, parties: MERCHANT_PARTIES }),
      new TypeOrmPayerUsageRepository(),
      step,
      clock,
      ids,
      UPI,
    );
    refund = new RefundMerchantOrderUseCase(unitOfWork, orders, payments, step, clock, ids);
    history = new ListMerchantPaymentsUseCase(orders);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    // CASCADE: later features' tables (collect requests) refer to merchants too.
    await dataSource.query('TRUNCATE payments, idempotency_keys, outbox_messages, merchant_refunds, merchant_orders, merchant_api_keys, merchants CASCADE');
    expect(await new TypeOrmMerchantRepository(dataSource).insert(merchant)).toEqual({ inserted: true });
  });

  let sequence = 0;

  /** An order of `amount` whose payment completed (the bank legs are not the point here). */
  async function paidOrder(amount: string): Promise<MerchantOrder> {
    sequence += 1;
    const made = await createOrder.execute({ merchant, reference: `INV-${sequence}`, amount: { value: amount, currency: 'INR' }, note: null, expiresInMinutes: null });
    if (!made.ok) throw new Error(made.detail);
    const paid = await payOrder.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: `pay-${sequence}`, orderId: made.order.id, encryptedPin: TEST_PIN_BLOCK });
    if (!paid.ok) throw new Error(paid.detail);
    await dataSource.query(`UPDATE payments SET status = 'completed', leg_check_at = NULL WHERE id = $1`, [paid.payment.id]);
    return made.order;
  }

  const refundOf = (order: MerchantOrder, value: string, reference: string): Promise<RefundMerchantOrderOutcome> =>
    refund.execute({ merchant, orderId: order.id, reference, amount: { value, currency: 'INR' }, note: null });

  async function refundedMinor(order: MerchantOrder): Promise<bigint> {
    const [row] = (await dataSource.query(`SELECT coalesce(sum(amount_minor), 0)::text AS total FROM payments WHERE order_id = $1 AND kind = 'refund'`, [order.id])) as [{ total: string }];
    return BigInt(row.total);
  }

  it('lets exactly as many concurrent refunds through as the payment covers, and refuses the rest', async () => {
    const order = await paidOrder('100.00');
    // 20 refunds of ₹7.00 race for ₹100.00: 14 fit (₹98.00), 6 must be refused.
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => refundOf(order, '7.00', `RF-${i}`)));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(14);
    expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.code)).toEqual(Array(6).fill('refund-exceeds-paid'));
    expect(await refundedMinor(order)).toBe(9_800n);
    // Each refund is a payment waiting for its debit of the merchant account, with its debit command in the outbox.
    const [{ debits }] = (await dataSource.query(
      `SELECT count(*)::int AS debits FROM outbox_messages WHERE type = 'bank.debit.requested.v1' AND data->>'purpose' = 'refund' AND data->>'refundOf' IS NOT NULL AND data->>'encryptedPin' IS NULL`,
    )) as [{ debits: number }];
    expect(debits).toBe(14);
  });

  it('makes one refund of concurrent requests with one reference, and answers them all with it', async () => {
    const order = await paidOrder('50.00');
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => refundOf(order, '10.00', 'RF-same')));
    const ids = new Set(outcomes.map((outcome) => (outcome.ok ? outcome.payment.id : outcome.code)));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((outcome) => outcome.ok && !outcome.replayed)).toHaveLength(1);
    expect(await refundedMinor(order)).toBe(1_000n);
  });

  it('frees the amount of a refund whose debit failed', async () => {
    const order = await paidOrder('30.00');
    const whole = await refundOf(order, '30.00', 'RF-1');
    if (!whole.ok) throw new Error(whole.detail);
    expect(await refundOf(order, '0.01', 'RF-2')).toMatchObject({ ok: false, code: 'refund-exceeds-paid' });
    await dataSource.query(`UPDATE payments SET status = 'debit_failed', result_code = 'Z9', leg_check_at = NULL WHERE id = $1`, [whole.payment.id]);
    expect(await refundOf(order, '30.00', 'RF-3')).toMatchObject({ ok: true });
  });

  it('makes one payment of concurrent attempts to pay one order with different keys', async () => {
    sequence += 1;
    const made = await createOrder.execute({ merchant, reference: `INV-${sequence}`, amount: { value: '12.00', currency: 'INR' }, note: null, expiresInMinutes: null });
    if (!made.ok) throw new Error(made.detail);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        payOrder.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: `race-${sequence}-${i}`, orderId: made.order.id, encryptedPin: TEST_PIN_BLOCK }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.code)).toEqual(Array(5).fill('merchant-order-already-paid'));
    const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM payments WHERE order_id = $1`, [made.order.id])) as [{ count: number }];
    expect(count).toBe(1);
  });

  it("leaves refunds out of the owner's payer limits and pages the merchant's history newest first", async () => {
    const order = await paidOrder('20.00');
    for (let i = 0; i < 4; i += 1) {
      const made = await refundOf(order, '1.00', `RF-${i}`);
      if (!made.ok) throw new Error(made.detail);
    }
    const usage = await dataSource.transaction((manager) =>
      new TypeOrmPayerUsageRepository().lockAndMeasure({ manager }, { payerUserId: merchant.ownerUserId, currency: 'INR', windowStart: new Date(Date.now() - 3_600_000), coolingStart: null }),
    );
    expect(usage).toEqual({ count: 0, amountMinor: 0n, sinceDeviceBoundMinor: 0n });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await history.execute({ merchantId: merchant.id, cursor, limit: 2, statuses: null, kind: null, from: null, to: null });
      if (!page.ok) throw new Error(page.detail);
      seen.push(...page.items.map((item) => `${item.kind}:${item.amount.toString()}`));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['refund:1.00 INR', 'refund:1.00 INR', 'refund:1.00 INR', 'refund:1.00 INR', 'order:20.00 INR']);
    expect(Money.ofMinor(await refundedMinor(order), 'INR').toString()).toBe('4.00 INR');
  });
});
