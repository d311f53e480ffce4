import { RESULT_CODES } from '@kirim/contracts';
import { decideLeg, formatRrn, generateAccountNumber, LedgerAccountState, LedgerLegRequest } from './sandbox-ledger.rules';

const account = (overrides: Partial<LedgerAccountState> = {}): LedgerAccountState => ({
  bankCode: 'SBXA',
  kind: 'customer',
  currency: 'INR',
  balanceMinor: 10_000n,
  ...overrides,
});

const leg = (overrides: Partial<LedgerLegRequest> = {}): LedgerLegRequest => ({
  direction: 'debit',
  bankCode: 'SBXA',
  currency: 'INR',
  amountMinor: 2_500n,
  ...overrides,
});

describe('decideLeg', () => {
  it('approves a debit within the balance and takes the amount off the customer', () => {
    expect(decideLeg(account(), leg())).toEqual({ approved: true, customerDeltaMinor: -2_500n });
  });

  it('approves a debit of the whole balance', () => {
    expect(decideLeg(account(), leg({ amountMinor: 10_000n }))).toEqual({ approved: true, customerDeltaMinor: -10_000n });
  });

  it('declines a debit above the balance with Z9', () => {
    expect(decideLeg(account(), leg({ amountMinor: 10_001n }))).toMatchObject({
      approved: false,
      resultCode: RESULT_CODES.INSUFFICIENT_FUNDS,
    });
  });

  it('approves a credit whatever the balance and adds the amount', () => {
    expect(decideLeg(account({ balanceMinor: 0n }), leg({ direction: 'credit', amountMinor: 99n }))).toEqual({
      approved: true,
      customerDeltaMinor: 99n,
    });
  });

  it.each([
    ['debit', RESULT_CODES.REMITTER_ACCOUNT_MISSING],
    ['credit', RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING],
  ] as const)('declines a %s on an unknown account with %s', (direction, code) => {
    expect(decideLeg(null, leg({ direction }))).toMatchObject({ approved: false, resultCode: code });
  });

  it.each([
    ['debit', RESULT_CODES.REMITTER_ACCOUNT_MISSING],
    ['credit', RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING],
  ] as const)('declines a %s on an account at another bank with %s', (direction, code) => {
    expect(decideLeg(account({ bankCode: 'SBXB' }), leg({ direction }))).toMatchObject({ approved: false, resultCode: code });
  });

  it('never lets a leg touch a settlement account directly', () => {
    expect(decideLeg(account({ kind: 'settlement' }), leg())).toMatchObject({
      approved: false,
      resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING,
    });
  });

  it('declines a zero amount as a technical failure', () => {
    expect(decideLeg(account(), leg({ amountMinor: 0n }))).toMatchObject({ approved: false, resultCode: RESULT_CODES.DEBIT_FAILED });
    expect(decideLeg(account(), leg({ direction: 'credit', amountMinor: 0n }))).toMatchObject({
      approved: false,
      resultCode: RESULT_CODES.CREDIT_FAILED,
    });
  });

  it('declines a leg in another currency than the account', () => {
    expect(decideLeg(account({ currency: 'USD' }), leg())).toMatchObject({ approved: false, resultCode: RESULT_CODES.DEBIT_FAILED });
  });
});

describe('formatRrn', () => {
  it('pads the sequence value to 12 digits', () => {
    expect(formatRrn(42n)).toBe('000000000042');
    expect(formatRrn(999_999_999_999n)).toBe('999999999999');
  });

  it('refuses values that do not fit 12 digits', () => {
    expect(() => formatRrn(0n)).toThrow();
    expect(() => formatRrn(1_000_000_000_000n)).toThrow();
  });
});

describe('generateAccountNumber', () => {
  it('makes 12 digits that never start with 0', () => {
    expect(generateAccountNumber(() => 0)).toBe('100000000000');
    expect(generateAccountNumber((max) => max - 1)).toBe('999999999999');
    expect(generateAccountNumber((max) => (max === 9 ? 3 : 1234))).toBe('400000001234');
  });
});
