import { EVENT_TYPES, UPI_TXN_ID_PATTERN } from '@kirim/contracts';
import { initiatePaymentHarness, TEST_PARTIES as PARTIES, TEST_PAYER_ID as PAYER_ID, TEST_PIN_BLOCK as PIN_BLOCK, UPI_PROFILE } from '../../testing/payment-fakes';
import { SchemeProfile } from '../../limits/scheme-profile';
import { firstCheckDelayMs } from '../leg-timer';
import { InitiatePaymentCommand } from './initiate-payment.use-case';

const setup = (profile?: SchemeProfile) => initiatePaymentHarness({ profile });

const command = (overrides: Partial<InitiatePaymentCommand> = {}): InitiatePaymentCommand => ({
  payerUserId: PAYER_ID,
  deviceBoundAt: null,
  idempotencyKey: 'key-1',
  payeePhone: '+919876543210',
  encryptedPin: PIN_BLOCK,
  amount: { value: '500.00', currency: 'INR' },
  note: 'lunch',
  ...overrides,
});

describe('InitiatePaymentUseCase', () => {
  it('stores the payment waiting for its debit and publishes initiated + debit requested in one transaction', async () => {
    const { useCase, unitOfWork, payments, parties } = setup();
    const outcome = await useCase.execute(command());

    if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}`);
    expect(outcome.replayed).toBe(false);
    const payment = outcome.payment;
    expect(payment).toMatchObject({
      status: 'debit_pending',
      payerUserId: PAYER_ID,
      payeeUserId: PARTIES.payee.userId,
      payer: { bankCode: 'SBXA', accountRef: PARTIES.payer.accountRef },
      payee: { bankCode: 'SBXB', accountRef: PARTIES.payee.accountRef },
      payeeDisplayName: 'Asha',
      note: 'lunch',
      // The debit's leg timer: the clock (10:00:00) plus the 15 s leg timeout, no checks yet.
      // The first status check: 45 to 90 s after the debit request (UPI profile), spread by the leg's id.
      legCheckAt: new Date(Date.parse('2026-11-28T10:00:00.000Z') + firstCheckDelayMs(outcome.payment.debitRequestId ?? '', UPI_PROFILE.statusChecks)),
      legChecks: 0,
    });
    expect(payment.amount.minorUnits).toBe(50_000n);
    expect(payment.txnId).toMatch(UPI_TXN_ID_PATTERN);
    expect(payment.txnId).toMatch(/^KRM[0-9A-F]{32}$/);
    expect(payment.debitRequestId).not.toBeNull();
    expect(payments.rows.get(payment.id)).toEqual(payment);
    expect(parties.calls).toEqual([{ payerUserId: PAYER_ID, payeePhone: '+919876543210' }]);

    expect(unitOfWork.transactions).toBe(1);
    expect(unitOfWork.published.map((e) => [e.type, e.key])).toEqual([
      [EVENT_TYPES.PAYMENT_INITIATED, payment.id],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, payment.id],
    ]);
    expect(unitOfWork.published[1].data).toMatchObject({ requestId: payment.debitRequestId, purpose: 'payment', bankCode: 'SBXA' });
  });

  it('answers a retry with the same key and body with the same payment, without a new payment or event', async () => {
    const { useCase, unitOfWork, payments, parties } = setup();
    const first = await useCase.execute(command());
    const second = await useCase.execute(command({ amount: { value: '500', currency: 'INR' } }));

    expect(second).toEqual({ ok: true, replayed: true, payment: first.ok ? first.payment : undefined });
    expect(payments.rows.size).toBe(1);
    expect(unitOfWork.published).toHaveLength(2);
    expect(parties.calls).toHaveLength(1);
  });

  it('passes the encrypted PIN to the debit request only: not to the payment, the idempotency record or the lifecycle event', async () => {
    const { useCase, unitOfWork, payments, keys } = setup();
    const outcome = await useCase.execute(command());
    if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}`);

    const [initiated, debit] = unitOfWork.published;
    expect(debit.data).toMatchObject({ encryptedPin: PIN_BLOCK });
    const noBigints = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);
    expect(JSON.stringify(initiated)).not.toContain(PIN_BLOCK);
    expect(JSON.stringify([...payments.rows.values()], noBigints)).not.toContain(PIN_BLOCK);
    expect(JSON.stringify([...keys.rows.values()])).not.toContain(PIN_BLOCK);
  });

  it('a retry with a freshly encrypted PIN is the same request: same payment, no second debit', async () => {
    const { useCase, unitOfWork, payments } = setup();
    const first = await useCase.execute(command());
    const retry = await useCase.execute(command({ encryptedPin: 'eyJhbGciOiJFQ0RILUVTIn0..b3RoZXI.bmV3Y2lwaGVy.dGFnMg' }));

    expect(retry).toEqual({ ok: true, replayed: true, payment: first.ok ? first.payment : undefined });
    expect(payments.rows.size).toBe(1);
    expect(unitOfWork.published.filter((event) => event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED)).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    const { useCase, payments } = setup();
    await useCase.execute(command());
    const outcome = await useCase.execute(command({ amount: { value: '501.00', currency: 'INR' } }));
    expect(outcome).toMatchObject({ ok: false, status: 422, code: 'idempotency-key-reused' });
    expect(payments.rows.size).toBe(1);
  });

  it('keys are per user: another user may use the same key', async () => {
    const { useCase, payments, parties } = setup();
    await useCase.execute(command());
    const otherPayer = 'e0e0e0e0-e0e0-4e0e-8e0e-e0e0e0e0e0e0';
    parties.answer = { ok: true, parties: { ...PARTIES, payer: { ...PARTIES.payer, userId: otherPayer } } };
    const outcome = await useCase.execute(command({ payerUserId: otherPayer }));
    expect(outcome).toMatchObject({ ok: true, replayed: false });
    expect(payments.rows.size).toBe(2);
  });

  it('answers with the winner when a concurrent request claimed the key inside the transaction', async () => {
    const { useCase, keys, payments } = setup();
    const winner = await useCase.execute(command());
    if (!winner.ok) throw new Error('expected success');
    // Simulate the race: the pre-check saw nothing, the claim then finds the winner's row.
    const realFind = keys.find.bind(keys);
    keys.find = async () => null;
    const loser = await useCase.execute(command());
    keys.find = realFind;
    expect(loser).toEqual({ ok: true, replayed: true, payment: winner.payment });
    expect(payments.rows.size).toBe(1);
  });

  it.each([
    ['100000.01', 10_000_000n],
    ['10.01', 1_000n],
  ])('refuses %s above the limit with Z8', async (value, max) => {
    const { useCase, unitOfWork, parties } = setup({ ...UPI_PROFILE, perPaymentMaxMinor: max });
    const outcome = await useCase.execute(command({ amount: { value, currency: 'INR' } }));
    expect(outcome).toMatchObject({ ok: false, status: 422, code: 'amount-out-of-range', resultCode: 'Z8' });
    expect(parties.calls).toHaveLength(0);
    expect(unitOfWork.transactions).toBe(0);
  });

  it('refuses a zero amount', async () => {
    const { useCase } = setup();
    expect(await useCase.execute(command({ amount: { value: '0.00', currency: 'INR' } }))).toMatchObject({ ok: false, code: 'amount-out-of-range' });
  });

  // What identity's resolve-payment-parties answers (apps/identity payment-parties.controller.ts).
  it.each([
    ['an unknown payee', { status: 404, code: 'payee-not-found', detail: 'No user is registered with this phone number or address.', resultCode: 'ZH' }],
    ['a payee without a linked account', { status: 422, code: 'payee-not-found', detail: 'The payee has not linked a bank account.', resultCode: 'XI' }],
    ['a payer without a linked account', { status: 422, code: 'payer-account-missing', detail: 'Link a bank account before paying.', resultCode: 'XH' }],
    ['paying oneself', { status: 422, code: 'self-payment', detail: 'The payer and the payee are the same user.' }],
    ["a merchant's address", { status: 422, code: 'payee-is-merchant', detail: "This address is a merchant's, not a person's." }],
    ['too many payee lookups', { status: 429, code: 'rate-limited', detail: 'Too many payee lookups; retry after 42 seconds.', retryAfterSeconds: 42 }],
  ] as const)("passes identity's refusal of %s on as it came: status, code, result code, detail and Retry-After", async (_case, problem) => {
    const { useCase, parties, unitOfWork } = setup();
    parties.answer = { ok: false, failure: { kind: 'refused', ...problem } };
    expect(await useCase.execute(command())).toEqual({ ok: false, ...problem });
    expect(unitOfWork.transactions).toBe(0);
  });

  it.each([
    ['a code payments does not document', { status: 404, code: 'not-found', detail: 'Cannot GET /internal/v1/payment-parties' }],
    ['another status for a documented code', { status: 404, code: 'payer-account-missing', detail: 'x', resultCode: 'XH' }],
    ['another result code for a documented code', { status: 404, code: 'payee-not-found', detail: 'x', resultCode: 'XI' }],
  ] as const)('answers 503 dependency-unavailable, never passing it on, when identity refuses with %s', async (_case, problem) => {
    const { useCase, parties, unitOfWork } = setup();
    parties.answer = { ok: false, failure: { kind: 'refused', ...problem } };
    expect(await useCase.execute(command())).toEqual({ ok: false, status: 503, code: 'dependency-unavailable', detail: 'The payee cannot be resolved right now; try again.' });
    expect(unitOfWork.transactions).toBe(0);
  });

  it('answers 503 dependency-unavailable when identity cannot be asked', async () => {
    const { useCase, parties } = setup();
    parties.answer = { ok: false, failure: { kind: 'unavailable', reason: 'TimeoutError' } };
    expect(await useCase.execute(command())).toMatchObject({ ok: false, status: 503, code: 'dependency-unavailable' });
  });

  it('refuses paying oneself', async () => {
    const { useCase, parties } = setup();
    parties.answer = { ok: true, parties: { ...PARTIES, payee: { ...PARTIES.payee, userId: PAYER_ID } } };
    expect(await useCase.execute(command())).toMatchObject({ ok: false, status: 422, code: 'self-payment' });
  });

  it('never pays from an account identity resolved for another user', async () => {
    const { useCase, parties, unitOfWork } = setup();
    parties.answer = { ok: true, parties: { ...PARTIES, payer: { ...PARTIES.payer, userId: 'f0f0f0f0-f0f0-4f0f-8f0f-f0f0f0f0f0f0' } } };
    await expect(useCase.execute(command())).rejects.toThrow(/payer other than/);
    expect(unitOfWork.transactions).toBe(0);
  });
});
