import { EventEmitter } from 'node:events';
import { ExecutionContext } from '@nestjs/common';
import { AuthenticatedUser, catalogueMismatches, ProblemException, serviceMetrics } from '@kirim/platform';
import { IdempotencyRecord } from '../payment/payment.repository';
import { FixedClock, InMemoryIdempotencyKeyRepository } from '../testing/payment-fakes';
import { SagaAdmission } from './saga-admission';
import { SagaAdmissionMetrics } from './saga-admission-metrics';
import { SagaAdmissionGuard } from './saga-admission.guard';

const PAYER: AuthenticatedUser = { userId: 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0', deviceBindingId: null, deviceBoundAt: null };
const ACCEPTED_KEY = 'accepted-before';

/** The idempotency keys, counting reads: admitting must not read the database. */
class CountingKeys extends InMemoryIdempotencyKeyRepository {
  reads = 0;
  failing = false;

  override async find(userId: string, key: string): Promise<IdempotencyRecord | null> {
    this.reads += 1;
    if (this.failing) throw new Error('connection terminated');
    return super.find(userId, key);
  }
}

/** A request as it reaches the guard; `user` null: none authenticated. Its response emits 'close' when the test says it is over. */
function requestFor(headers: Record<string, string>, user: AuthenticatedUser | null = PAYER, response = new EventEmitter()): ExecutionContext {
  const request = { headers, ...(user !== null ? { user } : {}) };
  return { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ExecutionContext;
}

async function refusalOf(guard: SagaAdmissionGuard, context: ExecutionContext): Promise<ProblemException> {
  const outcome: unknown = await guard.canActivate(context).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof ProblemException)) throw new Error(`expected a refusal, got ${String(outcome)}`);
  return outcome;
}

async function refusalsCounted(reason: 'saga-lag' | 'in-flight' = 'saga-lag'): Promise<number> {
  const metric = await serviceMetrics.getSingleMetric('kirim_payment_admission_refusals_total')?.get();
  return metric?.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

async function inFlightShown(): Promise<number> {
  const metric = await serviceMetrics.getSingleMetric('kirim_payment_admission_in_flight')?.get();
  return metric?.values[0]?.value ?? Number.NaN;
}

async function lagShown(): Promise<number> {
  const metric = await serviceMetrics.getSingleMetric('kirim_payment_saga_lag_seconds')?.get();
  return metric?.values[0]?.value ?? Number.NaN;
}

describe('SagaAdmissionGuard', () => {
  const clock = new FixedClock(new Date('2026-11-28T10:00:00.000Z'));
  let admission: SagaAdmission;
  let keys: CountingKeys;
  let guard: SagaAdmissionGuard;

  beforeEach(() => {
    admission = new SagaAdmission({ maxLagMs: 10_000, maxRetryAfterSeconds: 10, sampleMaxAgeMs: 5_000, maxInFlight: 2 }, clock);
    new SagaAdmissionMetrics(admission).onModuleInit();
    keys = new CountingKeys();
    keys.rows.set(`${PAYER.userId}|${ACCEPTED_KEY}`, { userId: PAYER.userId, key: ACCEPTED_KEY, requestFingerprint: 'f'.repeat(64), paymentId: '0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e' });
    guard = new SagaAdmissionGuard(admission, keys);
  });

  it('admits within the bound, reading nothing but memory', async () => {
    admission.record({ lagSeconds: 9.5, sampledAt: clock.now() });
    await expect(guard.canActivate(requestFor({ 'idempotency-key': 'new-payment' }))).resolves.toBe(true);
    expect(keys.reads).toBe(0);
  });

  it('refuses a new payment over the bound: 503 payments-overloaded with Retry-After, counted', async () => {
    admission.record({ lagSeconds: 12.5, sampledAt: clock.now() });
    const before = await refusalsCounted();
    const refusal = await refusalOf(guard, requestFor({ 'idempotency-key': 'new-payment' }));
    expect(refusal.getStatus()).toBe(503);
    expect(refusal.problem).toMatchObject({ status: 503, code: 'payments-overloaded', type: 'https://kirim.dev/problems/payments-overloaded' });
    expect(refusal.problem.detail).toMatch(/try again in 3 s/);
    expect(refusal.retryAfterSeconds).toBe(3);
    expect(await refusalsCounted()).toBe(before + 1);
  });

  it('lets a retry of an accepted payment through, so the use case answers it with that payment', async () => {
    admission.record({ lagSeconds: 60, sampledAt: clock.now() });
    await expect(guard.canActivate(requestFor({ 'idempotency-key': ACCEPTED_KEY }))).resolves.toBe(true);
    // The same key is another user's own: for them it is a new payment.
    const stranger = { ...PAYER, userId: 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0' };
    expect((await refusalOf(guard, requestFor({ 'idempotency-key': ACCEPTED_KEY }, stranger))).getStatus()).toBe(503);
  });

  it('lets a request without a valid Idempotency-Key through: the route refuses it itself (400), writing nothing', async () => {
    admission.record({ lagSeconds: 60, sampledAt: clock.now() });
    await expect(guard.canActivate(requestFor({}))).resolves.toBe(true);
    await expect(guard.canActivate(requestFor({ 'idempotency-key': 'not a key!' }))).resolves.toBe(true);
    expect(keys.reads).toBe(0);
  });

  it('refuses when the key cannot be looked up, or no user was authenticated', async () => {
    admission.record({ lagSeconds: 60, sampledAt: clock.now() });
    expect((await refusalOf(guard, requestFor({ 'idempotency-key': ACCEPTED_KEY }, null))).retryAfterSeconds).toBe(10);
    keys.failing = true;
    expect((await refusalOf(guard, requestFor({ 'idempotency-key': ACCEPTED_KEY }))).retryAfterSeconds).toBe(10);
  });

  it('refuses at once, reading nothing, while this replica already works on as many as it may; a response over frees a place', async () => {
    const first = new EventEmitter();
    const second = new EventEmitter();
    await expect(guard.canActivate(requestFor({ 'idempotency-key': 'first' }, PAYER, first))).resolves.toBe(true);
    await expect(guard.canActivate(requestFor({ 'idempotency-key': 'second' }, PAYER, second))).resolves.toBe(true);
    expect(admission.inFlightCount()).toBe(2);
    expect(await inFlightShown()).toBe(2);

    const before = await refusalsCounted('in-flight');
    // Even the retry of an accepted payment: answering it would take the read this replica has no room for.
    const refusal = await refusalOf(guard, requestFor({ 'idempotency-key': ACCEPTED_KEY }));
    expect(refusal.getStatus()).toBe(503);
    expect(refusal.problem).toMatchObject({ status: 503, code: 'payments-overloaded' });
    expect(refusal.problem.detail).toMatch(/already starting 2 payments here.*try again in 1 s with the same Idempotency-Key/);
    expect(refusal.retryAfterSeconds).toBe(1);
    expect(keys.reads).toBe(0);
    expect(await refusalsCounted('in-flight')).toBe(before + 1);
    expect(admission.inFlightCount()).toBe(2);

    // A response over (answered, or its connection gone) leaves once, however often it is told.
    first.emit('close');
    first.emit('close');
    expect(admission.inFlightCount()).toBe(1);
    expect(await inFlightShown()).toBe(1);
    await expect(guard.canActivate(requestFor({ 'idempotency-key': 'third' }))).resolves.toBe(true);
    expect(admission.inFlightCount()).toBe(2);
  });

  it('counts a request refused for the saga\'s lag as in flight until its response is over', async () => {
    admission.record({ lagSeconds: 12.5, sampledAt: clock.now() });
    const refused = new EventEmitter();
    await refusalOf(guard, requestFor({ 'idempotency-key': 'new-payment' }, PAYER, refused));
    expect(admission.inFlightCount()).toBe(1);
    refused.emit('close');
    expect(admission.inFlightCount()).toBe(0);
  });

  it('admits on a stale sample, however far over the bound it was', async () => {
    admission.record({ lagSeconds: 600, sampledAt: new Date(clock.now().getTime() - 5_001) });
    await expect(guard.canActivate(requestFor({ 'idempotency-key': 'new-payment' }))).resolves.toBe(true);
  });

  it('shows the fresh lag on /metrics, NaN once it is stale, with the catalogue\'s names', async () => {
    admission.record({ lagSeconds: 4.25, sampledAt: clock.now() });
    expect(await lagShown()).toBe(4.25);
    admission.record({ lagSeconds: 4.25, sampledAt: new Date(clock.now().getTime() - 5_001) });
    expect(await lagShown()).toBeNaN();
    const ours = catalogueMismatches(serviceMetrics, 'payments').filter((problem) => /saga_lag|admission/.test(problem));
    expect(ours).toEqual([]);
  });
});
