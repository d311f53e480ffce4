import { receiptsFor } from './payment-receipt-rules';
import { PAYEE, PAYER, PAYMENT_ID, paymentEvent, TXN_ID } from '../payment-event.fixture';

describe('receiptsFor', () => {
  describe('a completed payment', () => {
    const receipts = receiptsFor('completed', paymentEvent());

    it('tells the payer it was sent and the payee it was received', () => {
      expect(receipts.map((r) => [r.userId, r.kind])).toEqual([
        [PAYER, 'payment.sent'],
        [PAYEE, 'payment.received'],
      ]);
      expect(receipts.every((r) => r.paymentId === PAYMENT_ID)).toBe(true);
    });

    it('words the amount in rupees with the references a user quotes to their bank', () => {
      expect(receipts[0]).toMatchObject({
        title: 'Payment sent',
        body: `You paid ₹500.00.\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nUPI ref. no.: 412345678901\nPayment ID: ${PAYMENT_ID}`,
      });
      expect(receipts[1]).toMatchObject({
        title: 'Payment received',
        body: `You received ₹500.00.\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nUPI ref. no.: 412345678901\nPayment ID: ${PAYMENT_ID}`,
      });
    });

    it('groups lakhs the Indian way', () => {
      const [sent] = receiptsFor('completed', paymentEvent({ amount: { value: '100000.00', currency: 'INR' } }));
      expect(sent.body).toContain('You paid ₹1,00,000.00.');
    });
  });

  describe('a failed payment', () => {
    it('tells only the payer, with the reason behind the result code', () => {
      const receipts = receiptsFor('failed', paymentEvent({ status: 'debit_failed', resultCode: 'Z9', rrn: undefined }));
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ userId: PAYER, kind: 'payment.failed', title: 'Payment failed' });
      expect(receipts[0].body).toBe(
        `Your payment of ₹500.00 failed. Reason: insufficient balance. No money was taken from your account.\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nPayment ID: ${PAYMENT_ID}`,
      );
    });

    it('does not promise that no money was taken once the debit went through', () => {
      const [failed] = receiptsFor('failed', paymentEvent({ status: 'credit_failed', resultCode: 'U31' }));
      expect(failed.body).toContain("failed. Reason: the payee's bank could not credit the amount.");
      expect(failed.body).toContain('If money was taken from your account, it will be returned.');
    });

    it('does not promise that no money was taken when the debit was only deemed failed (the bank never answered)', () => {
      const [failed] = receiptsFor('failed', paymentEvent({ status: 'debit_failed', resultCode: 'U67' }));
      expect(failed.body).toContain('failed. Reason: your bank did not respond in time.');
      expect(failed.body).toContain('If money was taken from your account, it will be returned.');
      expect(failed.body).not.toContain('No money was taken');
    });

    it('gives a general reason when the event has no result code', () => {
      const [failed] = receiptsFor('failed', paymentEvent({ status: 'debit_failed', resultCode: undefined }));
      expect(failed.body).toContain('failed. Reason: the payment could not be completed.');
    });
  });

  describe('a reversed payment', () => {
    it('tells only the payer that the money came back', () => {
      const receipts = receiptsFor('reversed', paymentEvent({ status: 'reversed', resultCode: 'U31' }));
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ userId: PAYER, kind: 'payment.reversed', title: 'Money returned' });
      expect(receipts[0].body).toContain('Your payment of ₹500.00 could not be completed, so the money was returned to your account.');
    });
  });
});
