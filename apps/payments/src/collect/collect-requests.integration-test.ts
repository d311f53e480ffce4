/**
 * Collect requests against real PostgreSQL with the real migrations: an approval and a decline of
 * one request racing, each in its own transaction on its own connection (as two replicas would run
 * them), end with exactly one of them; concurrent approvals make one payment; the expiry pass
 * writes due requests expired (U69) and skips a request another transaction is answering; an
 * expired request is never paid; the customer's pending list pages through its index. The same for
 * requests between people (P2P collect, switched on in this file's profile): an approval is one
 * ordinary P2P payment from the customer to the requester, made through InitiatePaymentUseCase.
 * Each change a request goes through (made, declined, expired) is in the outbox with the row, once.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, EVENT_TYPES, PROBLEM_CODES, TOPICS } from '@kirim/contracts';
import { MESSAGING_ENTITIES, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { RandomIdGenerator } from '@kirim/platform';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase } from '@kirim/testing';
import { loadSchemeProfile, parseSchemeProfile } from '../limits/scheme-profile';
import UPI_DOCUMENT from '../limits/scheme-profiles/upi.json';
import { TypeOrmPayerUsageRepository } from '../limits/typeorm-payer-usage.repository';
import { PayMerchantOrderUseCase } from '../merchant/pay-merchant-order/pay-merchant-order.use-case';
import { TypeOrmMerchantOrderRepository } from '../merchant/typeorm-merchant-order.repository';
import { TypeOrmMerchantRepository } from '../merchant/typeorm-merchant.repository';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { InitiatePaymentUseCase } from '../payment/initiate-payment/initiate-payment.use-case';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { PartyDirectory, PartyLookupResult, PayeeIdentifier } from '../payment/party-directory';
import { TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from '../payment/payment.repository';
import { PaymentTransitionStep } from '../payment/payment-transition-step';
import { collectPartiesAnswer, SAMPLE_PAY_TO_ADDRESS, SAMPLE_REQUESTER_ID } from '../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID, sampleMerchant } from '../testing/merchant-fakes';
import { TEST_PIN_BLOCK } from '../testing/payment-fakes';
import { ApproveCollectRequestOutcome, ApproveCollectRequestUseCase } from './approve-collect-request/approve-collect-request.use-case';
import { CollectRequest } from './collect-request';
import { CreateCollectRequestUseCase } from './create-collect-request/create-collect-request.use-case';
import { DeclineCollectRequestOutcome, DeclineCollectRequestUseCase } from './decline-collect-request/decline-collect-request.use-case';
import { ExpireCollectRequestsUseCase } from './expire-collect-requests/expire-collect-requests.use-case';
import { ListPendingCollectRequestsUseCase } from './list-pending-collect-requests/list-pending-collect-requests.use-case';
import { TypeOrmCollectRequestRepository } from './typeorm-collect-request.repository';

const UPI = loadSchemeProfile({ name: 'upi' });
/** UPI with collect requests between people switched on, as a profile file extending UPI would: validated as one. */
const UPI_WITH_P2P_COLLECT = parseSchemeProfile({ ...UPI_DOCUMENT, collect: { ...UPI_DOCUMENT.collect, p2p: { ...UPI_DOCUMENT.collect.p2p, enabled: true } } }, 'upi with P2P collect');
/** More connections than the default, so that the racing transactions really run at once. */
const POOL_SIZE = 24;

/**
 * identity, every way: the owner (or the requesting user) looking the customer up, the requester's
 * own pay-to address, and the customer paying the merchant or the requester.
 */
class TwoWayPartyDirectory extends PartyDirectory {
  async resolve(payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult> {
    return collectPartiesAnswer(payerUserId, payee);
  }
}

describe('collect requests under concurrency and expiry (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let requests: TypeOrmCollectRequestRepository;
  let create: CreateCollectRequestUseCase;
  let approve: ApproveCollectRequestUseCase;
  let decline: DeclineCollectRequestUseCase;
  let expire: ExpireCollectRequestsUseCase;
  let listPending: ListPendingCollectRequestsUseCase;
  const clock = new FixedClock(new Date());
  const merchant = sampleMerchant();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('collect_requests', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS }, { poolSize: POOL_SIZE });
    dataSource = database.dataSource;
    const ids = new RandomIdGenerator();
    const unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS));
    const payments = new TypeOrmPaymentRepository(dataSource);
    const orders = new TypeOrmMerchantOrderRepository(dataSource);
    const merchants = new TypeOrmMerchantRepository(dataSource);
    const parties = new TwoWayPartyDirectory();
    requests = new TypeOrmCollectRequestRepository(dataSource);
    const keys = new TypeOrmIdempotencyKeyRepository(dataSource);
    const payOrder = new PayMerchantOrderUseCase(
      unitOfWork,
      orders,
      merchants,
      payments,
      keys,
      parties,
      new TypeOrmPayerUsageRepository(),
      new PaymentTransitionStep(payments, ids, UPI),
      clock,
      ids,
      UPI,
    );
    const initiatePayment = new InitiatePaymentUseCase(
      unitOfWork,
      payments,
      keys,
      parties,
      clock,
      ids,
      UPI_WITH_P2P_COLLECT,
      new TypeOrmPayerUsageRepository(),
      new PaymentTransitionStep(payments, ids, UPI_WITH_P2P_COLLECT),
    );
    create = new CreateCollectRequestUseCase(unitOfWork, requests, parties, clock, ids, UPI_WITH_P2P_COLLECT);
    approve = new ApproveCollectRequestUseCase(requests, orders, payOrder, initiatePayment, clock, ids, UPI_WITH_P2P_COLLECT);
    decline = new DeclineCollectRequestUseCase(unitOfWork, requests, clock);
    expire = new ExpireCollectRequestsUseCase(unitOfWork, requests, clock);
    listPending = new ListPendingCollectRequestsUseCase(requests, merchants, clock);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    clock.current = new Date();
    await dataSource.query('TRUNCATE payments, idempotency_keys, outbox_messages, collect_requests, merchant_refunds, merchant_orders, merchant_api_keys, merchants');
    expect(await new TypeOrmMerchantRepository(dataSource).insert(merchant)).toEqual({ inserted: true });
  });

  let sequence = 0;

  async function pendingRequest(expiresInMinutes = 30): Promise<CollectRequest> {
    sequence += 1;
    const made = await create.execute({
      requester: { kind: 'merchant', merchant },
      reference: `COL-${sequence}`,
      customer: { phone: '+919812345678' },
      amount: { value: '10.00', currency: 'INR' },
      note: null,
      expiresInMinutes,
    });
    if (!made.ok) throw new Error(made.detail);
    return made.request;
  }

  /** A request between people: the requester asks the customer for ₹15, to be paid into their own address. */
  async function pendingPersonRequest(expiresInMinutes = 30): Promise<CollectRequest> {
    sequence += 1;
    const made = await create.execute({
      requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
      reference: `P2P-${sequence}`,
      customer: { phone: '+919812345678' },
      payTo: { address: SAMPLE_PAY_TO_ADDRESS },
      amount: { value: '15.00', currency: 'INR' },
      note: 'tea',
      expiresInMinutes,
    });
    if (!made.ok) throw new Error(made.detail);
    return made.request;
  }

  const approveOf = (request: CollectRequest, key = `approve-${request.id}`): Promise<ApproveCollectRequestOutcome> =>
    approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: key, collectRequestId: request.id, encryptedPin: TEST_PIN_BLOCK });
  const declineOf = (request: CollectRequest): Promise<DeclineCollectRequestOutcome> => decline.execute({ customerUserId: SAMPLE_CUSTOMER_ID, collectRequestId: request.id });

  /** The collect request events in payments' outbox, oldest first. */
  async function collectOutbox(): Promise<Array<{ topic: string; record_key: string; type: string; data: Record<string, unknown> }>> {
    return dataSource.query(`SELECT topic, record_key, type, data FROM outbox_messages WHERE type LIKE 'payments.collect-request.%' ORDER BY position`);
  }

  async function paymentsOf(request: CollectRequest): Promise<number> {
    const [row] = (await dataSource.query(`SELECT count(*)::int AS count FROM payments p JOIN merchant_orders o ON o.id = p.order_id WHERE o.reference = $1`, [`collect:${request.id}`])) as [{ count: number }];
    return row.count;
  }

  it('ends an approval racing a decline of the same request with exactly one of them, every time', async () => {
    const raced = await Promise.all(Array.from({ length: 8 }, () => pendingRequest()));
    // Each request's approval and decline start together, all requests at once.
    const outcomes = await Promise.all(raced.map(async (request) => ({ request, answers: await Promise.all([approveOf(request), declineOf(request)]) })));
    let approvals = 0;
    for (const { request, answers } of outcomes) {
      const [approved, declined] = answers;
      const stored = await requests.findById(request.id);
      expect([approved.ok, declined.ok].filter(Boolean)).toHaveLength(1);
      if (approved.ok) {
        approvals += 1;
        expect(declined).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
        expect(stored).toMatchObject({ status: 'approved', paymentId: approved.payment.id });
        expect(await paymentsOf(request)).toBe(1);
      } else {
        expect(approved).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
        expect(stored).toMatchObject({ status: 'declined', paymentId: null });
        expect(await paymentsOf(request)).toBe(0);
      }
    }
    // Which one wins is the race's business; that the stored answers add up is ours.
    const [{ approved }] = (await dataSource.query(`SELECT count(*)::int AS approved FROM collect_requests WHERE status = 'approved'`)) as [{ approved: number }];
    expect(approved).toBe(approvals);
  });

  it('makes one payment of concurrent approvals with different keys, and refuses the others', async () => {
    const request = await pendingRequest();
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => approveOf(request, `approve-${i}`)));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.code)).toEqual(Array(5).fill(PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING));
    expect(await paymentsOf(request)).toBe(1);
    // One order for the request, however many approvals raced to make it.
    const [{ orders }] = (await dataSource.query(`SELECT count(*)::int AS orders FROM merchant_orders WHERE reference = $1`, [`collect:${request.id}`])) as [{ orders: number }];
    expect(orders).toBe(1);
  });

  it('writes due requests expired with U69 at their expiry, skips one being answered, and never pays an expired one', async () => {
    const [due, alsoDue, notYet] = [await pendingRequest(1), await pendingRequest(2), await pendingRequest(30)];
    clock.current = new Date(clock.now().getTime() + 3 * 60_000);

    // Another transaction holds alsoDue's row (a decline under way): the pass must not wait for it, nor take it.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (holding = resolve));
    const holder = dataSource.transaction(async (manager) => {
      await requests.lockById({ manager }, alsoDue.id);
      holding();
      await held;
    });
    await locked;
    expect(await expire.execute()).toBe(1);
    release();
    await holder;

    expect(await requests.findById(due.id)).toMatchObject({ status: 'expired', resultCode: 'U69', decidedAt: due.expiresAt });
    expect((await requests.findById(alsoDue.id))?.status).toBe('pending');
    expect(await expire.execute()).toBe(1);
    expect(await requests.findById(alsoDue.id)).toMatchObject({ status: 'expired', resultCode: 'U69' });
    expect((await requests.findById(notYet.id))?.status).toBe('pending');

    expect(await approveOf(due)).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: 'U69' });
    expect(await declineOf(due)).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED });
    const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM payments`)) as [{ count: number }];
    expect(count).toBe(0);
  });

  it("keeps a request's answers within the table's rules: one reference per merchant, and no answer without its time", async () => {
    const request = await pendingRequest();
    // Concurrent creations with one reference and body: one row, all answered with it.
    const twins = await Promise.all(
      Array.from({ length: 5 }, () =>
        create.execute({ requester: { kind: 'merchant', merchant }, reference: 'TWIN', customer: { phone: '+919812345678' }, amount: { value: '10.00', currency: 'INR' }, note: null, expiresInMinutes: null }),
      ),
    );
    expect(new Set(twins.map((twin) => (twin.ok ? twin.request.id : twin.code))).size).toBe(1);
    expect(twins.filter((twin) => twin.ok && twin.created)).toHaveLength(1);
    await expect(dataSource.query(`UPDATE collect_requests SET status = 'approved' WHERE id = $1`, [request.id])).rejects.toThrow(/collect_requests_answer/);
    await expect(dataSource.query(`UPDATE collect_requests SET status = 'expired', decided_at = now() WHERE id = $1`, [request.id])).rejects.toThrow(/collect_requests_answer/);
  });

  it('puts each change of a request in the outbox with it, once: made (not its twins), declined, expired by the poller or found expired by a decline; an approval none of its own', async () => {
    const twins = await Promise.all(
      Array.from({ length: 4 }, () =>
        create.execute({ requester: { kind: 'merchant', merchant }, reference: 'TWIN', customer: { phone: '+919812345678' }, amount: { value: '10.00', currency: 'INR' }, note: 'table 4', expiresInMinutes: 1 }),
      ),
    );
    const made = twins.find((twin) => twin.ok && twin.created);
    if (!made?.ok) throw new Error('no twin was made');
    const [declined, approved, expiring] = [await pendingRequest(), await pendingRequest(), await pendingRequest(1)];
    const person = await pendingPersonRequest(1);
    expect(await declineOf(declined)).toMatchObject({ ok: true, declinedNow: true });
    expect(await declineOf(declined)).toMatchObject({ ok: true, declinedNow: false });
    expect(await approveOf(approved)).toMatchObject({ ok: true });
    clock.current = new Date(clock.now().getTime() + 60_000);
    // The decline finds the twin past its expiry and writes it expired; the poller takes the other two.
    expect(await declineOf(made.request)).toMatchObject({ ok: false, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED });
    expect(await expire.execute()).toBe(2);
    expect(await expire.execute()).toBe(0);

    const rows = await collectOutbox();
    expect(rows.every((row) => row.topic === TOPICS.PAYMENTS_EVENTS && row.record_key === row.data['collectRequestId'])).toBe(true);
    const told = rows.map((row) => [row.type, row.record_key]);
    expect(told.filter(([type]) => type === EVENT_TYPES.COLLECT_REQUEST_CREATED)).toHaveLength(5);
    expect(told.filter(([, key]) => key === made.request.id)).toEqual([
      [EVENT_TYPES.COLLECT_REQUEST_CREATED, made.request.id],
      [EVENT_TYPES.COLLECT_REQUEST_EXPIRED, made.request.id],
    ]);
    expect(told.filter(([, key]) => key === declined.id).map(([type]) => type)).toEqual([EVENT_TYPES.COLLECT_REQUEST_CREATED, EVENT_TYPES.COLLECT_REQUEST_DECLINED]);
    // The approval's news is its payment's lifecycle events, not a request event.
    expect(told.filter(([, key]) => key === approved.id).map(([type]) => type)).toEqual([EVENT_TYPES.COLLECT_REQUEST_CREATED]);
    expect(told.filter(([, key]) => key === expiring.id).map(([type]) => type)).toEqual([EVENT_TYPES.COLLECT_REQUEST_CREATED, EVENT_TYPES.COLLECT_REQUEST_EXPIRED]);
    expect(told.filter(([, key]) => key === person.id).map(([type]) => type)).toEqual([EVENT_TYPES.COLLECT_REQUEST_CREATED, EVENT_TYPES.COLLECT_REQUEST_EXPIRED]);

    const created = rows.find((row) => row.type === EVENT_TYPES.COLLECT_REQUEST_CREATED && row.record_key === made.request.id);
    expect(created?.data).toEqual({
      collectRequestId: made.request.id,
      payerUserId: SAMPLE_CUSTOMER_ID,
      merchantId: merchant.id,
      reference: 'TWIN',
      amount: { value: '10.00', currency: 'INR' },
      note: 'table 4',
      status: 'pending',
      expiresAt: made.request.expiresAt.toISOString(),
      occurredAt: made.request.createdAt.toISOString(),
    });
    const personExpired = rows.find((row) => row.type === EVENT_TYPES.COLLECT_REQUEST_EXPIRED && row.record_key === person.id);
    expect(personExpired?.data).toEqual({
      collectRequestId: person.id,
      payerUserId: SAMPLE_CUSTOMER_ID,
      requesterUserId: SAMPLE_REQUESTER_ID,
      reference: person.reference,
      amount: { value: '15.00', currency: 'INR' },
      note: 'tea',
      status: 'expired',
      resultCode: 'U69',
      expiresAt: person.expiresAt.toISOString(),
      occurredAt: person.expiresAt.toISOString(),
    });
    const declinedRow = rows.find((row) => row.type === EVENT_TYPES.COLLECT_REQUEST_DECLINED);
    expect(declinedRow?.data).toMatchObject({ collectRequestId: declined.id, merchantId: merchant.id, status: 'declined' });
    expect(declinedRow?.data).not.toHaveProperty('resultCode');
  });

  it('ends an approval racing a decline of a request between people with exactly one of them, every time', async () => {
    const raced = await Promise.all(Array.from({ length: 8 }, () => pendingPersonRequest()));
    const outcomes = await Promise.all(raced.map(async (request) => ({ request, answers: await Promise.all([approveOf(request), declineOf(request)]) })));
    let approvals = 0;
    for (const { request, answers } of outcomes) {
      const [approved, declined] = answers;
      const stored = await requests.findById(request.id);
      expect([approved.ok, declined.ok].filter(Boolean)).toHaveLength(1);
      if (approved.ok) {
        approvals += 1;
        expect(declined).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
        expect(stored).toMatchObject({ status: 'approved', paymentId: approved.payment.id, orderId: null });
      } else {
        expect(approved).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
        expect(stored).toMatchObject({ status: 'declined', paymentId: null });
      }
    }
    // Every payment is an approved request's, and every approved request has its one payment.
    const rows = (await dataSource.query(`SELECT p.id FROM payments p JOIN collect_requests c ON c.payment_id = p.id WHERE c.status = 'approved'`)) as unknown[];
    const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM payments`)) as [{ count: number }];
    expect([rows.length, count]).toEqual([approvals, approvals]);
  });

  it('makes one ordinary P2P payment, customer to requester, of concurrent approvals of a request between people', async () => {
    const request = await pendingPersonRequest();
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => approveOf(request, `approve-${i}`)));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.code)).toEqual(Array(5).fill(PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING));
    const stored = await requests.findById(request.id);
    const payments = (await dataSource.query(
      `SELECT id, payer_user_id, payee_user_id, amount_minor::text AS amount_minor, kind, order_id FROM payments`,
    )) as Array<{ id: string; payer_user_id: string; payee_user_id: string; amount_minor: string; kind: string; order_id: string | null }>;
    expect(payments).toEqual([{ id: stored?.paymentId, payer_user_id: SAMPLE_CUSTOMER_ID, payee_user_id: SAMPLE_REQUESTER_ID, amount_minor: '1500', kind: 'p2p', order_id: null }]);
    expect(stored).toMatchObject({ status: 'approved', orderId: null, requesterUserId: SAMPLE_REQUESTER_ID, payToAddress: SAMPLE_PAY_TO_ADDRESS });
    // No order was made for it: a request between people is not a merchant's.
    const [{ orders }] = (await dataSource.query(`SELECT count(*)::int AS orders FROM merchant_orders`)) as [{ orders: number }];
    expect(orders).toBe(0);
  });

  it('keeps the requester kinds apart in the table: exactly one requester, a reference unique per person, nobody asking themself', async () => {
    const request = await pendingPersonRequest();
    // Concurrent creations with one reference and body: one row, all answered with it.
    const twins = await Promise.all(
      Array.from({ length: 5 }, () =>
        create.execute({
          requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
          reference: 'TWIN',
          customer: { phone: '+919812345678' },
          payTo: { address: SAMPLE_PAY_TO_ADDRESS },
          amount: { value: '15.00', currency: 'INR' },
          note: null,
          expiresInMinutes: null,
        }),
      ),
    );
    expect(new Set(twins.map((twin) => (twin.ok ? twin.request.id : twin.code))).size).toBe(1);
    expect(twins.filter((twin) => twin.ok && twin.created)).toHaveLength(1);
    // The merchant's own 'TWIN' is another request.
    const merchants = await create.execute({ requester: { kind: 'merchant', merchant }, reference: 'TWIN', customer: { phone: '+919812345678' }, amount: { value: '10.00', currency: 'INR' }, note: null, expiresInMinutes: null });
    expect(merchants).toMatchObject({ ok: true, created: true });
    await expect(dataSource.query(`UPDATE collect_requests SET merchant_id = $2 WHERE id = $1`, [request.id, merchant.id])).rejects.toThrow(/collect_requests_one_requester/);
    await expect(dataSource.query(`UPDATE collect_requests SET pay_to_address = NULL WHERE id = $1`, [request.id])).rejects.toThrow(/collect_requests_one_requester/);
    await expect(dataSource.query(`UPDATE collect_requests SET requester_user_id = payer_user_id WHERE id = $1`, [request.id])).rejects.toThrow(/collect_requests_one_requester/);
    await expect(dataSource.query(`UPDATE collect_requests SET merchant_id = NULL WHERE merchant_id IS NOT NULL`)).rejects.toThrow(/collect_requests_one_requester/);
  });

  it("lists the customer's pending requests newest first through the keyset, leaving out the answered and the past-due", async () => {
    const made: CollectRequest[] = [];
    for (let i = 0; i < 5; i += 1) {
      clock.current = new Date(clock.now().getTime() + 1_000);
      made.push(await pendingRequest(i === 4 ? 1 : 30));
    }
    await declineOf(made[1]);
    // The last one's expiry passes; the poller has not run.
    clock.current = new Date(made[4].expiresAt.getTime());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listPending.execute({ payerUserId: SAMPLE_CUSTOMER_ID, cursor, limit: 2 });
      if (!page.ok) throw new Error(page.detail);
      seen.push(...page.items.map((item) => item.request.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([made[3].id, made[2].id, made[0].id]);
  });
});
