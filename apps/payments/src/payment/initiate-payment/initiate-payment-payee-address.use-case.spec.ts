import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Money, PROBLEM_CODES } from '@kirim/contracts';
import { initiatePaymentHarness as setup, TEST_PARTIES as PARTIES, TEST_PAYER_ID as PAYER_ID, TEST_PIN_BLOCK as PIN_BLOCK } from '../../testing/payment-fakes';
import { InitiatePaymentBody } from '../payments.dto';
import { InitiatePaymentCommand } from './initiate-payment.use-case';
import { requestFingerprint } from './payment-request-rules';

/* Paying by payment address (docs/payment-addresses.md): the payee named by `handle@kirim` instead of a phone number. */

const command = (overrides: Partial<InitiatePaymentCommand> = {}): InitiatePaymentCommand => ({
  payerUserId: PAYER_ID,
  deviceBoundAt: null,
  idempotencyKey: 'key-1',
  payeeAddress: 'asha.k@kirim',
  encryptedPin: PIN_BLOCK,
  amount: { value: '500.00', currency: 'INR' },
  note: 'lunch',
  ...overrides,
});

describe('InitiatePaymentUseCase, payee by payment address', () => {
  it('asks identity for the parties by the address', async () => {
    const { useCase, parties } = setup();

    const outcome = await useCase.execute(command());

    expect(outcome).toMatchObject({ ok: true, payment: { payeeUserId: PARTIES.payee.userId } });
    expect(parties.calls).toEqual([{ payerUserId: PAYER_ID, payeeAddress: 'asha.k@kirim' }]);
  });

  it('replays a retry with the same key and address, and refuses the key reused for another address', async () => {
    const { useCase, parties } = setup();
    const first = await useCase.execute(command());
    const retry = await useCase.execute(command({ payeeAddress: 'Asha.K@kirim' }));
    const other = await useCase.execute(command({ payeeAddress: 'ravi@kirim' }));
    const byPhone = await useCase.execute(command({ payeeAddress: undefined, payeePhone: '+919876543210' }));

    if (!first.ok) throw new Error(`expected success, got ${first.code}`);
    expect(retry).toMatchObject({ ok: true, replayed: true, payment: { id: first.payment.id } });
    expect(other).toMatchObject({ ok: false, code: 'idempotency-key-reused' });
    expect(byPhone).toMatchObject({ ok: false, code: 'idempotency-key-reused' });
    expect(parties.calls).toHaveLength(1);
  });

  it("refuses a merchant's address as identity does (payee-is-merchant, 422), with its detail, and records nothing", async () => {
    const { useCase, parties, payments } = setup();
    const detail = "This address is a merchant's, not a person's: pay the merchant through its order or collect request in the chat.";
    parties.answer = { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.PAYEE_IS_MERCHANT, detail } };

    expect(await useCase.execute(command({ payeeAddress: 'chai.point@kirim' }))).toMatchObject({ ok: false, status: 422, code: 'payee-is-merchant', detail });
    expect(payments.rows.size).toBe(0);
  });

  it.each([
    ['both', { payeePhone: '+919876543210' }],
    ['neither', { payeeAddress: undefined }],
  ])('refuses a command naming the payee by %s with a 400, asking nobody', async (_label, overrides) => {
    const { useCase, parties } = setup();
    expect(await useCase.execute(command(overrides))).toMatchObject({ ok: false, status: 400, code: 'validation-failed' });
    expect(parties.calls).toEqual([]);
  });
});

describe('requestFingerprint, payee by address', () => {
  const amount = Money.ofMinor(50_000n, 'INR');

  it('differs between a phone and an address, and between two addresses; ignores the case of an address', () => {
    const byPhone = requestFingerprint({ payeePhone: '+919876543210', amount, note: null });
    const byAddress = requestFingerprint({ payeeAddress: 'asha@kirim', amount, note: null });
    expect(byAddress).not.toBe(byPhone);
    expect(requestFingerprint({ payeeAddress: 'ravi@kirim', amount, note: null })).not.toBe(byAddress);
    expect(requestFingerprint({ payeeAddress: 'ASHA@Kirim', amount, note: null })).toBe(byAddress);
  });
});

describe('InitiatePaymentBody payee', () => {
  const errorsOf = (payee: unknown): string[] =>
    validateSync(plainToInstance(InitiatePaymentBody, { payee, amount: { value: '1.00', currency: 'INR' }, encryptedPin: PIN_BLOCK }), { whitelist: true, forbidNonWhitelisted: true }).map(
      (error) => `${error.property}: ${JSON.stringify(error.constraints ?? error.children?.map((child) => child.constraints))}`,
    );

  it('accepts exactly one of phone and address', () => {
    expect(errorsOf({ phone: '+919876543210' })).toEqual([]);
    expect(errorsOf({ address: 'asha.k@kirim' })).toEqual([]);
  });

  it.each([
    ['both', { phone: '+919876543210', address: 'asha.k@kirim' }],
    ['neither', {}],
    ['a malformed address', { address: 'asha k@kirim' }],
    ['an address without a PSP', { address: 'asha' }],
  ])('refuses %s', (_label, payee) => {
    expect(errorsOf(payee).join(' ')).toMatch(/payee/);
  });
});
