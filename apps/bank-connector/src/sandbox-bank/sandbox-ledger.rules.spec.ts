import { RESULT_CODES } from '@kirim/contracts';
import { decideLeg, freezeStops, generateAccountNumber, LedgerAccountState, LedgerLegRequest } from './sandbox-ledger.rules';

const account = (overrides: Partial<LedgerAccountState> = {}): LedgerAccountState => ({
  bankCode: 'SBXA',
  kind: 'customer',
  currency: 'INR',
  balanceMinor: 10_000n,
  freeze: 'none',
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

describe('decideLeg on a frozen account', () => {
  it.each([
    ['credit', 'credit', RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN],
    ['total', 'credit', RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN],
    ['debit', 'debit', RESULT_CODES.REMITTER_ACCOUNT_FROZEN],
    ['total', 'debit', RESULT_CODES.REMITTER_ACCOUNT_FROZEN],
  ] as const)('declines, under a %s freeze, a %s with %s', (freeze, direction, code) => {
    expect(decideLeg(account({ freeze }), leg({ direction }))).toEqual({ approved: false, resultCode: code, reason: `account is frozen for ${direction}s` });
  });

  it('lets money out of an account frozen for credits, and in to one frozen for debits', () => {
    expect(decideLeg(account({ freeze: 'credit' }), leg({ direction: 'debit' }))).toEqual({ approved: true, customerDeltaMinor: -2_500n });
    expect(decideLeg(account({ freeze: 'debit' }), leg({ direction: 'credit' }))).toEqual({ approved: true, customerDeltaMinor: 2_500n });
  });

  it('declines a debit from an account frozen for debits as frozen (YE), not short of money (Z9), even above the balance', () => {
    expect(decideLeg(account({ freeze: 'debit' }), leg({ amountMinor: 10_001n }))).toMatchObject({ resultCode: RESULT_CODES.REMITTER_ACCOUNT_FROZEN });
  });

  it('still declines an account at another bank, a zero amount and another currency as before, whatever the freeze', () => {
    expect(decideLeg(account({ freeze: 'total', bankCode: 'SBXB' }), leg({ direction: 'credit' }))).toMatchObject({ resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING });
    expect(decideLeg(account({ freeze: 'total' }), leg({ amountMinor: 0n }))).toMatchObject({ resultCode: RESULT_CODES.DEBIT_FAILED });
    expect(decideLeg(account({ freeze: 'total', currency: 'USD' }), leg({ direction: 'credit' }))).toMatchObject({ resultCode: RESULT_CODES.CREDIT_FAILED });
  });
});

describe('freezeStops', () => {
  it.each([
    ['none', false, false],
    ['credit', true, false],
    ['debit', false, true],
    ['total', true, true],
  ] as const)('under %s stops credits: %s, debits: %s', (freeze, stopsCredits, stopsDebits) => {
    expect(freezeStops(freeze, 'credit')).toBe(stopsCredits);
    expect(freezeStops(freeze, 'debit')).toBe(stopsDebits);
  });
});

describe('generateAccountNumber', () => {
  it('makes 12 digits that never start with 0', () => {
    expect(generateAccountNumber(() => 0)).toBe('100000000000');
    expect(generateAccountNumber((max) => max - 1)).toBe('999999999999');
    expect(generateAccountNumber((max) => (max === 9 ? 3 : 1234))).toBe('400000001234');
  });
});
