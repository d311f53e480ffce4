import { createHash } from 'node:crypto';
import { Money, PROBLEM_CODES } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { initiatePaymentHarness, TEST_PARTIES as PARTIES, TEST_PAYER_ID as PAYER_ID, TEST_PIN_BLOCK as PIN_BLOCK } from '../../testing/payment-fakes';
import { Payment } from '../payment';
import { InitiatePaymentCommand, InitiatePaymentFailure, PaymentGate } from './initiate-payment.use-case';
import { requestFingerprint } from './payment-request-rules';

const command = (overrides: Partial<InitiatePaymentCommand> = {}): InitiatePaymentCommand => ({
  payerUserId: PAYER_ID,
  deviceBoundAt: null,
  idempotencyKey: 'key-1',
  payeeAddress: 'asha.k@kirim',
  encryptedPin: PIN_BLOCK,
  amount: { value: '500.00', currency: 'INR' },
  note: 'rent',
  ...overrides,
});

/** A gate that records what it saw, and refuses when told to. */
class RecordingGate implements PaymentGate {
  readonly seen: string[] = [];
  admitted: Payment | null = null;
  refusal: InitiatePaymentFailure | null = null;

  constructor(
    readonly subject: string,
    private readonly lockedPayers: readonly string[],
  ) {}

  async admit(_tx: TransactionScope, payment: Payment, now: Date): Promise<InitiatePaymentFailure | null> {
    // The payer's limit lock is already held: the gate's rule and the limits are judged under it.
    this.seen.push(`admit after ${this.lockedPayers.length} payer lock(s) at ${now.toISOString()}`);
    this.admitted = payment;
    return this.refusal;
  }

  async record(_tx: TransactionScope, payment: Payment): Promise<void> {
    this.seen.push(`record ${payment.id}`);
  }
}

describe('InitiatePaymentUseCase with a gate (a caller\'s rule in the payment\'s transaction)', () => {
  it('admits the resolved payment under the payer lock, stores it, then lets the gate record it in the same transaction', async () => {
    const { useCase, usage, payments, unitOfWork } = initiatePaymentHarness();
    const gate = new RecordingGate('collect-request:1', usage.locked);
    const outcome = await useCase.execute(command({ gate }));
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(gate.admitted).toMatchObject({ id: outcome.payment.id, payerUserId: PAYER_ID, payeeUserId: PARTIES.payee.userId });
    expect(gate.seen).toEqual([`admit after 1 payer lock(s) at ${outcome.payment.createdAt.toISOString()}`, `record ${outcome.payment.id}`]);
    expect(payments.rows.get(outcome.payment.id)).toBeDefined();
    expect(unitOfWork.transactions).toBe(1);
  });

  it("answers the gate's refusal as the outcome and writes nothing: no payment, no key, no event", async () => {
    const { useCase, usage, payments, keys, unitOfWork } = initiatePaymentHarness();
    const gate = new RecordingGate('collect-request:1', usage.locked);
    gate.refusal = { ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING, detail: 'declined' };
    expect(await useCase.execute(command({ gate }))).toEqual(gate.refusal);
    expect([payments.rows.size, keys.rows.size, unitOfWork.published.length]).toEqual([0, 0, 0]);
    expect(gate.seen).toHaveLength(1);
  });

  it("puts the gate's subject in the Idempotency-Key fingerprint: a key never replays across subjects or as a plain payment", async () => {
    const { useCase, usage } = initiatePaymentHarness();
    const first = await useCase.execute(command({ gate: new RecordingGate('collect-request:1', usage.locked) }));
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(await useCase.execute(command({ gate: new RecordingGate('collect-request:1', usage.locked) }))).toMatchObject({ ok: true, replayed: true });
    expect(await useCase.execute(command({ gate: new RecordingGate('collect-request:2', usage.locked) }))).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED });
    expect(await useCase.execute(command())).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED });
  });

  it("leaves a plain payment's fingerprint as it was, so stored keys still match their retries", () => {
    const amount = Money.ofMinor(50_000n, 'INR');
    // The canonical body a plain payment has always been fingerprinted from.
    const before = createHash('sha256').update(JSON.stringify({ amount: { currency: 'INR', value: '500.00' }, note: 'rent', payee: { address: 'asha.k@kirim' } }), 'utf8').digest('hex');
    expect(requestFingerprint({ payeeAddress: 'Asha.K@kirim', amount, note: 'rent' })).toBe(before);
    expect(requestFingerprint({ payeeAddress: 'asha.k@kirim', amount, note: 'rent', subject: 'collect-request:1' })).not.toBe(before);
  });

  it('answers a twin with the same key that committed while this one waited for the lock as a replay, without asking the gate', async () => {
    const { useCase, usage, keys } = initiatePaymentHarness();
    const first = await useCase.execute(command({ gate: new RecordingGate('collect-request:1', usage.locked) }));
    if (!first.ok) throw new Error(first.detail);
    // The retry's first look misses the twin (not yet committed then); its look under the lock finds it.
    const find = keys.find.bind(keys);
    let looks = 0;
    keys.find = async (...args) => (looks++ === 0 ? null : find(...args));
    const gate = new RecordingGate('collect-request:1', usage.locked);
    gate.refusal = { ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING, detail: 'already approved' };
    expect(await useCase.execute(command({ gate }))).toMatchObject({ ok: true, replayed: true, payment: { id: first.payment.id } });
    expect(gate.seen).toEqual([]);
  });
});
