import { ALL_RESULT_CODES } from '@kirim/contracts';
import { failureReason, formatAmount } from './receipt-text';

describe('formatAmount', () => {
  it.each([
    ['500.00', '₹500.00'],
    ['500', '₹500.00'],
    ['0.5', '₹0.50'],
    ['1000', '₹1,000.00'],
    ['100000.00', '₹1,00,000.00'],
    ['12345678.90', '₹1,23,45,678.90'],
  ])('formats %s INR with the rupee sign and Indian digit grouping as %s', (value, expected) => {
    expect(formatAmount({ value, currency: 'INR' })).toBe(expected);
  });

  it('keeps every digit of the largest amount the contract allows (no float on the way)', () => {
    // 9999999999999999.99 is not representable as a double; a float would print ₹10,00,00,00,00,00,00,000.00.
    expect(formatAmount({ value: '9999999999999999.99', currency: 'INR' })).toBe('₹9,99,99,99,99,99,99,999.99');
  });

  it('treats an amount that breaks the contract as a bug', () => {
    expect(() => formatAmount({ value: '1.234', currency: 'INR' })).toThrow(/receipt amount is invalid/);
  });
});

describe('failureReason', () => {
  it.each([
    ['Z9', 'insufficient balance'],
    ['ZM', 'incorrect UPI PIN'],
    ['Z6', 'too many incorrect UPI PIN attempts'],
    ['Z8', 'the amount is above the per-transaction limit'],
    ['XY', 'your bank is unavailable right now'],
  ] as const)('explains %s as "%s"', (code, reason) => {
    expect(failureReason(code)).toBe(reason);
  });

  it('has a text for every result code of the contract', () => {
    for (const code of ALL_RESULT_CODES) expect(failureReason(code)).toMatch(/^[a-z].+[^.]$/);
  });

  it('falls back to a general reason when the event carries no code', () => {
    expect(failureReason(undefined)).toBe('the payment could not be completed');
  });
});
