import { Money } from '@kirim/contracts';
import { FakeTransactionScope, InMemoryPaymentRepository } from '../../testing/payment-fakes';
import { createPayment } from '../payment';
import { GetPaymentUseCase } from './get-payment.use-case';

const PAYER = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
const PAYEE = 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0';
const PAYMENT_ID = '0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e';

describe('GetPaymentUseCase', () => {
  const payments = new InMemoryPaymentRepository();
  const useCase = new GetPaymentUseCase(payments);

  beforeAll(async () => {
    const payment = createPayment({
      id: PAYMENT_ID,
      payerUserId: PAYER,
      payeeUserId: PAYEE,
      payer: { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' },
      payee: { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' },
      payeeDisplayName: null,
      amount: Money.ofMinor(100n, 'INR'),
      note: null,
      at: new Date(),
    });
    await payments.insert(new FakeTransactionScope(), payment);
  });

  it.each([PAYER, PAYEE])('shows the payment to a party (%s)', async (userId) => {
    expect(await useCase.execute({ userId, paymentId: PAYMENT_ID })).toMatchObject({ id: PAYMENT_ID });
  });

  it('hides it from anyone else', async () => {
    expect(await useCase.execute({ userId: 'e0e0e0e0-e0e0-4e0e-8e0e-e0e0e0e0e0e0', paymentId: PAYMENT_ID })).toBeNull();
  });

  it('treats a malformed id as not found', async () => {
    expect(await useCase.execute({ userId: PAYER, paymentId: 'not-a-uuid' })).toBeNull();
  });
});
