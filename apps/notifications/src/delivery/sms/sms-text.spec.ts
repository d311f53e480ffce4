import type { MoneyDto } from '@kirim/contracts';
import { renderReceipt } from '../../receipt-text/render-receipt';
import { SMS_TEXT_MAX_LENGTH, smsTextOf } from './sms-text';

const TXN_ID = 'KRM0123456789ABCDEFGHIJKLMNOPQRSTUV';
const inr = (value: string): MoneyDto => ({ value, currency: 'INR' });
const PAYMENT = { amount: inr('100000.50'), occurredAt: '2025-11-28T10:00:00.000Z', txnId: TXN_ID, paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876', rrn: '412345678901' };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('smsTextOf', () => {
  it("sends a receipt's title, message, time and UPI transaction id, one a line, and leaves the note and other references out", () => {
    const receipt = renderReceipt({
      kind: 'refund.completed',
      role: 'payer',
      ...PAYMENT,
      amount: inr('150.00'),
      paidAmount: inr('500.00'),
      merchantReference: 'RF-2025-0042',
      counterparty: { type: 'merchant', displayName: 'Chai Point' },
      note: 'Milk was spilt',
    });
    expect(receipt.body).toContain('Milk was spilt');

    expect(smsTextOf(receipt)).toBe([receipt.title, receipt.body.split('\n')[0], '28 Nov 2025, 3:30 pm IST', `UPI transaction ID: ${TXN_ID}`].join('\n'));
    expect(smsTextOf(receipt)).toMatch(/^Refund received\nChai Point refunded ₹150\.00 of your payment of ₹500\.00\.\n/);
  });

  it('finds the transaction id line by the label of the language the receipt was written in', () => {
    const receipt = renderReceipt({ kind: 'payment.completed', role: 'payee', ...PAYMENT }, { locale: 'hi-IN' });

    const lines = smsTextOf(receipt).split('\n');

    expect(lines[0]).toBe('भुगतान मिला');
    expect(lines.at(-1)).toBe(`UPI लेनदेन आईडी: ${TXN_ID}`);
    expect(lines).toHaveLength(4);
  });

  it('keeps the transaction id line whole when the message is too long: the time goes, then the message is cut at a word', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const text = smsTextOf({ locale: 'en-IN', title: 'Payment received', body: `${words}\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nPayment ID: x` });

    expect(text.length).toBeLessThanOrEqual(SMS_TEXT_MAX_LENGTH);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Payment received');
    expect(lines[1]).toMatch(/^word0 word1 .* word\d+…$/);
    expect(words.startsWith(lines[1].slice(0, -1))).toBe(true);
    expect(lines[2]).toBe(`UPI transaction ID: ${TXN_ID}`);
    expect(lines).toHaveLength(3);
  });

  it('drops only the time when that is enough', () => {
    const message = 'm'.repeat(SMS_TEXT_MAX_LENGTH - 'Payment sent'.length - `UPI transaction ID: ${TXN_ID}`.length - 2);
    const text = smsTextOf({ locale: 'en-IN', title: 'Payment sent', body: `${message}\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}` });

    expect(text).toBe(`Payment sent\n${message}\nUPI transaction ID: ${TXN_ID}`);
    expect(text).toHaveLength(SMS_TEXT_MAX_LENGTH);
  });

  it('cuts a message without spaces between whole characters, never inside an emoji', () => {
    const text = smsTextOf({ locale: 'en-IN', title: 'Payment sent', body: `${'😀'.repeat(400)}\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}` });

    expect(text.length).toBeLessThanOrEqual(SMS_TEXT_MAX_LENGTH);
    expect(text).not.toMatch(LONE_SURROGATE);
    expect(text.split('\n')[1]).toMatch(/^(😀)+…$/);
    expect(text.endsWith(`UPI transaction ID: ${TXN_ID}`)).toBe(true);
  });

  it('takes the transaction id line from the references only, not from a line above them', () => {
    const text = smsTextOf({ locale: 'en-IN', title: 'Payment sent', body: `You paid ₹1.00.\nUPI transaction ID: FORGED\n\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}` });

    expect(text).toBe(`Payment sent\nYou paid ₹1.00.\n28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}`);
  });
});
