import { BankLegResult } from '@kirim/contracts';
import { legAnswerMismatch } from '../../payment/apply-bank-leg-result/leg-answer-check';
import { legPurposeOf, paymentKind } from '../../payment/payment';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, samplePayment } from '../../testing/payment-fakes';

const LINK = { merchantId: 'f0f0f0f0-f0f0-4f0f-8f0f-f0f0f0f0f0f0', orderId: 'a0a0a0a0-a0a0-4a0a-8a0a-a0a0a0a0a0a0' };
const REFUND = samplePayment('debit_pending', {
  debitRequestId: '11111111-1111-4111-8111-111111111111',
  reversalRequestId: '33333333-3333-4333-8333-333333333333',
  payer: SAMPLE_PAYEE_ACCOUNT,
  payee: SAMPLE_PAYER_ACCOUNT,
  merchant: { ...LINK, refundOf: '22222222-2222-4222-8222-222222222222' },
});

function answer(requestId: string, purpose: BankLegResult['purpose'], accountRef: string): BankLegResult {
  return Object.assign(new BankLegResult(), { requestId, paymentId: REFUND.id, purpose, bankCode: 'SBXB', accountRef, amount: { value: '500.00', currency: 'INR' }, resultCode: '00' });
}

describe("a refund's legs as the banks answer them", () => {
  it('are refund legs (a reversal stays a reversal), and P2P and order payments keep payment legs', () => {
    expect(paymentKind(REFUND)).toBe('refund');
    expect([legPurposeOf(REFUND, 'debit'), legPurposeOf(REFUND, 'credit'), legPurposeOf(REFUND, 'reversal')]).toEqual(['refund', 'refund', 'reversal']);
    const order = { merchant: { ...LINK, refundOf: null } };
    expect([paymentKind(order), legPurposeOf(order, 'debit'), legPurposeOf(samplePayment('created'), 'credit')]).toEqual(['order', 'payment', 'payment']);
  });

  it('takes an answer to the debit of the merchant account only with purpose refund', () => {
    expect(legAnswerMismatch(REFUND, 'debit', answer('11111111-1111-4111-8111-111111111111', 'refund', SAMPLE_PAYEE_ACCOUNT.accountRef))).toBeNull();
    expect(legAnswerMismatch(REFUND, 'debit', answer('11111111-1111-4111-8111-111111111111', 'payment', SAMPLE_PAYEE_ACCOUNT.accountRef))).toContain('purpose payment');
    expect(legAnswerMismatch(REFUND, 'credit', answer('33333333-3333-4333-8333-333333333333', 'reversal', SAMPLE_PAYEE_ACCOUNT.accountRef))).toBeNull();
  });
});
