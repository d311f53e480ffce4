import { Money, MoneyDto } from './money';
import { validatePayload } from '../validation';

describe('Money', () => {
  it.each([
    ['500.00', 50000n],
    ['500', 50000n],
    ['0.5', 50n],
    ['0.05', 5n],
    ['100000.00', 10000000n],
    ['9999999999999999.99', 999999999999999999n],
  ])('parses %s INR to %s paise without floats', (value, minor) => {
    const money = Money.parse({ value, currency: 'INR' });
    expect(Money.isError(money)).toBe(false);
    expect((money as Money).minorUnits).toBe(minor);
  });

  it.each(['5.001', '-1', '1e3', '01.00', '', ' 1', '1.', '.5', '10000000000000000.00', 'NaN'])('refuses %j', (value) => {
    expect(Money.isError(Money.parse({ value, currency: 'INR' }))).toBe(true);
  });

  it('refuses an unsupported currency', () => {
    expect(Money.parse({ value: '1.00', currency: 'USD' })).toEqual({ kind: 'invalid-amount', reason: 'unsupported currency "USD"' });
  });

  it('formats minor units back to the wire form with two fraction digits', () => {
    expect(Money.ofMinor(50000n, 'INR').toDto()).toMatchObject({ value: '500.00', currency: 'INR' });
    expect(Money.ofMinor(7n, 'INR').toDto().value).toBe('0.07');
    expect(Money.ofMinor(-150n, 'INR').toDto().value).toBe('-1.50');
  });

  it('keeps 0.1 + 0.2 exact, which floats cannot', () => {
    const a = Money.parse({ value: '0.10', currency: 'INR' }) as Money;
    const b = Money.parse({ value: '0.20', currency: 'INR' }) as Money;
    expect(Money.ofMinor(a.minorUnits + b.minorUnits, 'INR').toDto().value).toBe('0.30');
  });
});

describe('MoneyDto validation (the wire form)', () => {
  it('accepts a decimal string amount', () => {
    expect(validatePayload(MoneyDto, { value: '500.00', currency: 'INR' }).ok).toBe(true);
  });

  it.each([
    [{ value: 500, currency: 'INR' }, 'value'],
    [{ value: '500.001', currency: 'INR' }, 'value'],
    [{ value: '500.00', currency: 'XXX' }, 'currency'],
    [{ value: '500.00' }, 'currency'],
  ])('refuses %j naming %s', (input, field) => {
    const outcome = validatePayload(MoneyDto, input);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? [] : outcome.errors.join(' ')).toContain(field);
  });
});
