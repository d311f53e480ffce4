import { decideLeg, MAX_BALANCE_MINOR } from './ledger-rules';

describe('decideLeg', () => {
  it('debits when the balance covers the amount, down to exactly zero', () => {
    expect(decideLeg('debit', 6000n, 10000n)).toEqual({ outcome: 'move', newBalanceMinor: 4000n });
    expect(decideLeg('debit', 4000n, 4000n)).toEqual({ outcome: 'move', newBalanceMinor: 0n });
  });

  it('never overdraws: a debit above the balance is declined Z9', () => {
    expect(decideLeg('debit', 1n, 0n)).toMatchObject({ outcome: 'decline', resultCode: 'Z9' });
  });

  it('declines an unknown account XH on a debit and XI on a credit', () => {
    expect(decideLeg('debit', 1n, null)).toMatchObject({ resultCode: 'XH' });
    expect(decideLeg('credit', 1n, null)).toMatchObject({ resultCode: 'XI' });
  });

  it('credits, up to the largest balance an account may hold', () => {
    expect(decideLeg('credit', 10000n, 0n)).toEqual({ outcome: 'move', newBalanceMinor: 10000n });
    expect(decideLeg('credit', 1n, MAX_BALANCE_MINOR)).toMatchObject({ outcome: 'decline', resultCode: 'U31' });
  });

  it('refuses a non-positive amount as a bug', () => {
    expect(() => decideLeg('credit', 0n, 0n)).toThrow();
  });
});
