import { receiptsFor } from './payment-receipt-rules';
import { PAYEE, PAYER, PAYMENT_ID, paymentEvent, TXN_ID } from '../payment-event.fixture';
import { CUSTOMER, MERCHANT_OWNER, orderPaymentEvent, REFUND_ID, REFUND_TXN_ID, refundEvent } from '../../testing/merchant-payment-events';

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

    it('tells a debit deemed failed (U67, the bank never answered) as not confirmed, never promising that no money was taken', () => {
      const [deemed] = receiptsFor('failed', paymentEvent({ status: 'debit_failed', resultCode: 'U67' }));
      // The kind stays payment.failed (what happened to the payment); the words are the deemed outcome's.
      expect(deemed).toMatchObject({ userId: PAYER, kind: 'payment.failed', title: 'Payment not confirmed' });
      expect(deemed.body).toMatch(/^Your bank did not answer in time about your payment of ₹500\.00, so it was not completed\. If money was taken from your account, it will be returned automatically\./);
      expect(deemed.body).not.toContain('No money was taken');
      expect(deemed.body).toContain(`UPI transaction ID: ${TXN_ID}`);
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

  describe("a merchant order's payment", () => {
    const chaiPoint = { displayName: 'Chai Point' };
    const footer = `\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nUPI ref. no.: 412345678901\nPayment ID: ${PAYMENT_ID}`;

    it("completed: tells the customer they paid the merchant, by its whole name, and the owner in the merchant's words", () => {
      const receipts = receiptsFor('completed', orderPaymentEvent(), undefined, chaiPoint);
      expect(receipts).toEqual([
        { userId: CUSTOMER, kind: 'payment.sent', paymentId: PAYMENT_ID, locale: 'en-IN', title: 'Payment sent', body: `You paid ₹500.00 to Chai Point.${footer}` },
        { userId: MERCHANT_OWNER, kind: 'payment.received', paymentId: PAYMENT_ID, locale: 'en-IN', title: 'Payment received', body: `A customer paid ₹500.00.${footer}` },
      ]);
    });

    it('failed: tells only the customer, naming the merchant', () => {
      const receipts = receiptsFor('failed', orderPaymentEvent({ status: 'debit_failed', resultCode: 'Z9', rrn: undefined }), undefined, chaiPoint);
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ userId: CUSTOMER, kind: 'payment.failed', title: 'Payment failed' });
      expect(receipts[0].body).toBe(
        `Your payment of ₹500.00 to Chai Point failed. Reason: insufficient balance. No money was taken from your account.\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nPayment ID: ${PAYMENT_ID}`,
      );
    });

    it('reversed: tells only the customer that the money came back, naming the merchant', () => {
      const receipts = receiptsFor('reversed', orderPaymentEvent({ status: 'reversed', resultCode: 'U31' }), undefined, chaiPoint);
      expect(receipts.map((r) => [r.userId, r.kind, r.title])).toEqual([[CUSTOMER, 'payment.reversed', 'Money returned']]);
      expect(receipts[0].body).toBe(`Your payment of ₹500.00 to Chai Point could not be completed, so the money was returned to your account.${footer}`);
    });

    it('names no merchant it has not heard of, and still words the owner’s receipt for a merchant', () => {
      const receipts = receiptsFor('completed', orderPaymentEvent());
      expect(receipts.map((r) => [r.userId, r.kind, r.body.split('\n')[0]])).toEqual([
        [CUSTOMER, 'payment.sent', 'You paid ₹500.00.'],
        [MERCHANT_OWNER, 'payment.received', 'A customer paid ₹500.00.'],
      ]);
    });
  });

  describe("a refund of a merchant order's payment", () => {
    const paid = { displayName: 'Chai Point', paidAmount: { value: '500.00', currency: 'INR' as const } };
    const footer = `\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${REFUND_TXN_ID}\nUPI ref. no.: 412345678901\nPayment ID: ${REFUND_ID}`;

    it('completed in part: tells the customer how much of what they paid the merchant came back, and the owner what they refunded', () => {
      const receipts = receiptsFor('completed', refundEvent(), undefined, paid);
      expect(receipts).toEqual([
        {
          userId: CUSTOMER,
          kind: 'refund.received',
          paymentId: REFUND_ID,
          locale: 'en-IN',
          title: 'Refund received',
          body: `Chai Point refunded ₹150.00 of your payment of ₹500.00.${footer}`,
        },
        {
          userId: MERCHANT_OWNER,
          kind: 'refund.sent',
          paymentId: REFUND_ID,
          locale: 'en-IN',
          title: 'Refund completed',
          body: `You refunded ₹150.00 of a payment of ₹500.00.${footer}`,
        },
      ]);
    });

    it('completed in full: says so to both', () => {
      const receipts = receiptsFor('completed', refundEvent({ amount: { value: '500.00', currency: 'INR' } }), undefined, paid);
      expect(receipts.map((r) => r.body.split('\n')[0])).toEqual(['Chai Point refunded your payment of ₹500.00 in full.', 'You refunded the full payment of ₹500.00.']);
    });

    it('in Hindi for a Hindi-speaking customer, in English for the owner', () => {
      const receipts = receiptsFor('completed', refundEvent(), (userId) => (userId === CUSTOMER ? { locale: 'hi-IN' } : {}), paid);
      expect(receipts.map((r) => [r.userId, r.kind, r.locale, r.title])).toEqual([
        [CUSTOMER, 'refund.received', 'hi-IN', 'रिफ़ंड मिला'],
        [MERCHANT_OWNER, 'refund.sent', 'en-IN', 'Refund completed'],
      ]);
      expect(receipts[0].body.split('\n').slice(0, 4)).toEqual([
        'Chai Point ने ₹500.00 के आपके भुगतान में से ₹150.00 का रिफ़ंड किया है।',
        '',
        '28 नव॰ 2025, 3:30 pm IST',
        `UPI लेनदेन आईडी: ${REFUND_TXN_ID}`,
      ]);
    });

    it("completed before the order payment's amount is known: generic words, but the refund kinds", () => {
      // The kinds do not change with what is known, or a replay after it became known would tell both again.
      const receipts = receiptsFor('completed', refundEvent(), undefined, { displayName: 'Chai Point' });
      expect(receipts.map((r) => [r.userId, r.kind, r.title, r.body.split('\n')[0]])).toEqual([
        [CUSTOMER, 'refund.received', 'Payment received', 'You received ₹150.00 from Chai Point.'],
        [MERCHANT_OWNER, 'refund.sent', 'Payment sent', 'You paid ₹150.00.'],
      ]);
    });

    it('completed for a merchant not heard of yet: the refund words, naming nobody', () => {
      const receipts = receiptsFor('completed', refundEvent(), undefined, { paidAmount: paid.paidAmount });
      expect(receipts.map((r) => r.body.split('\n')[0])).toEqual(['The merchant refunded ₹150.00 of your payment of ₹500.00.', 'You refunded ₹150.00 of a payment of ₹500.00.']);
    });

    it("failed: tells only the owner, in a payer's words, with the reason", () => {
      const receipts = receiptsFor('failed', refundEvent({ status: 'debit_failed', resultCode: 'Z9', rrn: undefined }), undefined, paid);
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ userId: MERCHANT_OWNER, kind: 'payment.failed', paymentId: REFUND_ID, title: 'Payment failed' });
      expect(receipts[0].body.split('\n')[0]).toBe('Your payment of ₹150.00 failed. Reason: insufficient balance. No money was taken from your account.');
    });

    it('reversed: tells only the owner that the money came back', () => {
      const receipts = receiptsFor('reversed', refundEvent({ status: 'reversed', resultCode: 'U31' }), undefined, paid);
      expect(receipts.map((r) => [r.userId, r.kind, r.title, r.body.split('\n')[0]])).toEqual([
        [MERCHANT_OWNER, 'payment.reversed', 'Money returned', 'Your payment of ₹150.00 could not be completed, so the money was returned to your account.'],
      ]);
    });
  });
});
