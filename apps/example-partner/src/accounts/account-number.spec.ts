import { MASKED_ACCOUNT_PATTERN, RRN_PATTERN } from '@kirim/contracts';
import { generateAccountNumber, generateRrn, maskedAccountNumber } from './account-number';

describe('account numbers', () => {
  it('are 12 digits not starting with 0', () => {
    for (let i = 0; i < 200; i += 1) expect(generateAccountNumber()).toMatch(/^[1-9]\d{11}$/);
    expect(generateAccountNumber((min) => min)).toBe('100000000000');
  });

  it('leave the bank masked: only the last four digits', () => {
    expect(maskedAccountNumber('123456789012')).toBe('XXXXXXXX9012');
    expect(maskedAccountNumber('123456789012')).toMatch(MASKED_ACCOUNT_PATTERN);
  });

  it('RRNs are 12 digits', () => {
    expect(generateRrn()).toMatch(RRN_PATTERN);
  });
});
