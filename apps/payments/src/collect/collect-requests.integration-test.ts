/**
 * Collect requests against real PostgreSQL with the real migrations: an approval and a decline of
 * one request racing, each in its own transaction on its own connection (as two replicas would run
 * them), end with exactly one of them; concurrent approvals make one payment; the expiry pass
 * writes due requests expired (U69) and skips a request another transaction is answering; an
 * expired request is never paid; the customer's pending list pages through its index.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_SOURCES, PROBLEM_CODES } from '@kirim/contracts';
import { MESSAGING_ENTITIES, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { RandomIdGenerator } from '@kirim/platform';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase } from '@kirim/testing';
import { loadSchemeProfile } from '../limits/scheme-profile';
import { TypeOrmPayerUsageRepository } from '../limits/typeorm-payer-usage.repository';
import { PayMerchantOrderUseCase } from '../merchant/pay-merchant-order/pay-merchant-order.use-case';
import { TypeOrmMerchantOrderRepository } from '../merchant/typeorm-merchant-order.repository';
import { TypeOrmMerchantRepository } from '../merchant/typeorm-merchant.repository';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { PartyDirectory, PartyLookupResult, PayeeIdentifier } from '../payment/party-directory';
import { TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from '../payment/payment.repository';
import { PaymentTransitionStep } from '../payment/payment-transition-step';
import { CUSTOMER_LOOKUP } from '../testing/collect-fakes';
import { MERCHANT_PARTIES, SAMPLE_CUSTOMER_ID, SAMPLE_OWNER_ID, sampleMerchant } from '../testing/merchant-fakes';
import { TEST_PIN_BLOCK } from '../testing/payment-fakes';
import { ApproveCollectRequestOutcome, ApproveCollectRequestUseCase } from './approve-collect-request/approve-collect-request.use-case';
import { CollectRequest } from './collect-request';
import { CreateCollectRequestUseCase } from './create-collect-request/create-collect-request.use-case';
import { DeclineCollectRequestOutcome, DeclineCollectRequestUseCase } from './decline-collect-request/decline-collect-request.use-case';
import { ExpireCollectRequestsUseCase } from './expire-collect-requests/expire-collect-requests.use-case';
import { ListPendingCollectRequestsUseCase } from './list-pending-collect-requests/list-pending-collect-requests.use-case';
import { TypeOrmCollectRequestRepository } from './typeorm-collect-request.repository';

const UPI = loadSchemeProfile({ name: 'upi' });
/** More connections than the default, so that the racing transactions really run at once. */
const POOL_SIZE = 24;

/** identity, both ways: the owner looking the customer up, and the customer paying the merchant. */
class TwoWayPartyDirectory extends PartyDirectory {
  async resolve(payerUserId: string, _payee: PayeeIdentifier): Promise<PartyLookupResult> {
    return { ok: true, parties: payerUserId === SAMPLE_OWNER_ID ? CUSTOMER_LOOKUP : MERCHANT_PARTIES };
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
    const payOrder = new PayMerchantOrderUseCase(
      unitOfWork,
      orders,
      merchants,
      payments,
      new TypeOrmIdempotencyKeyRepository(dataSource),
      parties,
      new TypeOrmPayerUsageRepository(),
      new PaymentTransitionStep(payments, ids, UPI),
      clock,
      ids,
      UPI,
    );
    create = new CreateCollectRequestUseCase(requests, parties, clock, ids, UPI);
    approve = new ApproveCollectRequestUseCase(requests, orders, payOrder, clock, ids);
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

  const approveOf = (request: CollectRequest, key = `approve-${request.id}`): Promise<ApproveCollectRequestOutcome> =>
    approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: key, collectRequestId: request.id, encryptedPin: TEST_PIN_BLOCK });
  const declineOf = (request: CollectRequest): Promise<DeclineCollectRequestOutcome> => decline.execute({ customerUserId: SAMPLE_CUSTOMER_ID, collectRequestId: request.id });

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
