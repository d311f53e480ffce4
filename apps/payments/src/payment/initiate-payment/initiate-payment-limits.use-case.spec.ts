import { randomUUID } from 'node:crypto';
import { Money, PaymentStatus } from '@kirim/contracts';
import { SchemeProfile } from '../../limits/scheme-profile';
import { initiatePaymentHarness, samplePayment, UPI_PROFILE, TEST_PAYER_ID as PAYER_ID, TEST_PIN_BLOCK } from '../../testing/payment-fakes';
import { InitiatePaymentCommand } from './initiate-payment.use-case';

/** The scheme profile's limits as InitiatePaymentUseCase enforces them (the policy itself: payment-limits-policy.spec.ts). */

const NOW = new Date('2026-11-28T10:00:00.000Z');
const HOUR = 3_600_000;
const hoursAgo = (hours: number): Date => new Date(NOW.getTime() - hours * HOUR);

function setup(profile?: SchemeProfile) {
  const harness = initiatePaymentHarness({ profile, now: NOW });
  const { payments } = harness;
  /** Records an earlier payment of the payer, as if made `hours` ago. */
  const paidBefore = (hours: number, value: string, status: PaymentStatus = 'completed'): void => {
    const id = randomUUID();
    const minor = Money.parse({ value, currency: 'INR' });
    if (Money.isError(minor)) throw new Error(minor.reason);
    payments.rows.set(id, samplePayment(status, { amount: minor, createdAt: hoursAgo(hours), updatedAt: hoursAgo(hours) }, id));
  };
  return { ...harness, paidBefore };
}

const command = (overrides: Partial<InitiatePaymentCommand> = {}): InitiatePaymentCommand => ({
  payerUserId: PAYER_ID,
  deviceBoundAt: null,
  idempotencyKey: `key-${randomUUID()}`,
  payeePhone: '+919876543210',
  encryptedPin: TEST_PIN_BLOCK,
  amount: { value: '10.00', currency: 'INR' },
  note: null,
  ...overrides,
});

describe('InitiatePaymentUseCase: scheme profile limits', () => {
  it('checks the payer under the payer lock and refuses the 21st payment in 24 hours with Z7, recording nothing', async () => {
    const { useCase, unitOfWork, payments, keys, usage, paidBefore } = setup();
    for (let i = 0; i < 20; i++) paidBefore(23 - i, '1.00');

    const outcome = await useCase.execute(command({ idempotencyKey: 'the-21st' }));

    expect(outcome).toMatchObject({ ok: false, status: 422, code: 'daily-count-limit', resultCode: 'Z7' });
    // It frees up when the oldest of the 20 (23 h ago) leaves the window: in one hour.
    expect(!outcome.ok && outcome.detail).toMatch(/allows 20\. This payment fits the limit from 2026-11-28T11:00:00\.000Z\.$/);
    expect(usage.locked).toEqual([PAYER_ID]);
    expect(payments.rows.size).toBe(20);
    expect(keys.rows.size).toBe(0);
    expect(unitOfWork.published).toHaveLength(0);
  });

  it('counts only the last 24 hours and not a payment whose debit failed', async () => {
    const { useCase, paidBefore } = setup();
    for (let i = 0; i < 19; i++) paidBefore(1, '1.00');
    paidBefore(24, '1.00'); // left the window exactly now
    paidBefore(2, '1.00', 'debit_failed'); // never moved money
    paidBefore(3, '1.00', 'debit_pending'); // may still: counts (the 20th)

    expect(await useCase.execute(command())).toMatchObject({ ok: false, code: 'daily-count-limit' });
  });

  it('counts payments that moved money and came back (reversed) and payments still in flight', async () => {
    const { useCase, paidBefore } = setup();
    paidBefore(1, '60000.00', 'reversed');
    paidBefore(2, '30000.00', 'credit_pending');

    expect(await useCase.execute(command({ amount: { value: '10000.00', currency: 'INR' } }))).toMatchObject({ ok: true });
    expect(await useCase.execute(command({ amount: { value: '0.01', currency: 'INR' } }))).toMatchObject({
      ok: false,
      status: 422,
      code: 'daily-amount-limit',
      resultCode: 'Z8',
    });
  });

  it('refuses a payment that takes the 24-hour total over ₹1,00,000 with Z8, saying when it fits', async () => {
    const { useCase, paidBefore, payments } = setup();
    paidBefore(20, '60000.00');
    paidBefore(2, '30000.00');

    const outcome = await useCase.execute(command({ amount: { value: '10000.01', currency: 'INR' } }));
    expect(outcome).toMatchObject({ ok: false, status: 422, code: 'daily-amount-limit', resultCode: 'Z8' });
    // The ₹60,000 made 20 h ago leaves the window in 4 h.
    expect(!outcome.ok && outcome.detail).toMatch(/100000\.01 INR.*fits the limit from 2026-11-28T14:00:00\.000Z\.$/);
    expect(payments.rows.size).toBe(2);

    expect(await useCase.execute(command({ amount: { value: '10000.00', currency: 'INR' } }))).toMatchObject({ ok: true });
  });

  it('refuses a payment above the per-payment limit with Z8 before asking identity or opening a transaction', async () => {
    const { useCase, parties, unitOfWork } = setup();
    const outcome = await useCase.execute(command({ amount: { value: '100000.01', currency: 'INR' } }));
    expect(outcome).toMatchObject({ ok: false, status: 422, code: 'amount-out-of-range', resultCode: 'Z8' });
    expect(parties.calls).toHaveLength(0);
    expect(unitOfWork.transactions).toBe(0);
  });

  describe('cooling period after a device binding', () => {
    it('caps what was sent since the binding at ₹5,000 (FP), and a single larger payment is FL', async () => {
      const { useCase, paidBefore } = setup();
      const deviceBoundAt = hoursAgo(5);
      paidBefore(6, '50000.00'); // before the binding, from the old device: not part of the cooling total
      paidBefore(4, '4500.00');

      expect(await useCase.execute(command({ deviceBoundAt, amount: { value: '500.01', currency: 'INR' } }))).toMatchObject({
        ok: false,
        status: 422,
        code: 'new-device-limit',
        resultCode: 'FP',
        detail: expect.stringContaining('fits the limit from 2026-11-29T05:00:00.000Z'),
      });
      expect(await useCase.execute(command({ deviceBoundAt, amount: { value: '5000.01', currency: 'INR' } }))).toMatchObject({ resultCode: 'FL' });
      expect(await useCase.execute(command({ deviceBoundAt, amount: { value: '500.00', currency: 'INR' } }))).toMatchObject({ ok: true });
    });

    it('ends 24 hours after the binding, and does not apply to a sandbox-login token (no binding)', async () => {
      const { useCase } = setup();
      expect(await useCase.execute(command({ deviceBoundAt: hoursAgo(24), amount: { value: '20000.00', currency: 'INR' } }))).toMatchObject({ ok: true });
      expect(await useCase.execute(command({ deviceBoundAt: null, amount: { value: '20000.00', currency: 'INR' } }))).toMatchObject({ ok: true });
      expect(await useCase.execute(command({ deviceBoundAt: hoursAgo(23), amount: { value: '5000.01', currency: 'INR' } }))).toMatchObject({ resultCode: 'FL' });
    });
  });

  describe('idempotent replays', () => {
    it('answers a retry of an accepted payment even when the payer is now at the limit: not refused, not counted', async () => {
      const { useCase, payments, paidBefore } = setup();
      for (let i = 0; i < 19; i++) paidBefore(1, '1.00');
      const twentieth = await useCase.execute(command({ idempotencyKey: 'the-20th' }));
      if (!twentieth.ok) throw new Error(`expected the 20th to pass, got ${twentieth.code}`);

      const retry = await useCase.execute(command({ idempotencyKey: 'the-20th' }));
      expect(retry).toEqual({ ok: true, replayed: true, payment: twentieth.payment });
      expect(payments.rows.size).toBe(20);
      expect(await useCase.execute(command())).toMatchObject({ code: 'daily-count-limit' });
    });

    it('answers a request whose twin committed while it waited for the payer lock as a replay, before any limit', async () => {
      const { useCase, keys, payments } = setup({ ...UPI_PROFILE, rollingWindowMaxCount: 1 });
      const first = await useCase.execute(command({ idempotencyKey: 'twin' }));
      if (!first.ok) throw new Error('expected the first to pass');
      // The twin missed the key before the transaction (it was not committed yet); under the lock
      // its payment now fills the count, and the twin is answered with it rather than refused: the
      // statement reads the key again itself (insertWithinLimits), so the port is asked only once.
      let calls = 0;
      const realFind = keys.find.bind(keys);
      keys.find = async (userId, key) => (++calls === 1 ? null : realFind(userId, key));

      expect(await useCase.execute(command({ idempotencyKey: 'twin' }))).toEqual({ ok: true, replayed: true, payment: first.payment });
      expect(calls).toBe(1);
      expect(payments.rows.size).toBe(1);
    });

    it('answers such a twin through the key claim when the limits still pass', async () => {
      const { useCase, keys, payments } = setup();
      const first = await useCase.execute(command({ idempotencyKey: 'twin' }));
      if (!first.ok) throw new Error('expected the first to pass');
      keys.find = async () => null;

      expect(await useCase.execute(command({ idempotencyKey: 'twin' }))).toEqual({ ok: true, replayed: true, payment: first.payment });
      expect(payments.rows.size).toBe(1);
    });

    it('a refused request leaves its key free for a later request that fits', async () => {
      const { useCase, keys } = setup();
      expect(await useCase.execute(command({ idempotencyKey: 'k', amount: { value: '100000.01', currency: 'INR' } }))).toMatchObject({ ok: false });
      expect(keys.rows.size).toBe(0);
      expect(await useCase.execute(command({ idempotencyKey: 'k', amount: { value: '1.00', currency: 'INR' } }))).toMatchObject({ ok: true, replayed: false });
    });
  });
});
