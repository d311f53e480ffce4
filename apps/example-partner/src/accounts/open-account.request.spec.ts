import { validateMobileQuery, validateOpenAccount } from './open-account.request';

describe('validateOpenAccount', () => {
  it('accepts a mobile, a holder name and a decimal opening balance, as minor units', () => {
    const result = validateOpenAccount({ mobile: '+919800000001', holderName: ' Asha Rao ', openingBalance: '1500.5' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.holderName).toBe('Asha Rao');
    expect(result.value.openingBalance.minorUnits).toBe(150050n);
  });

  it.each(["Asha Rao", "D'Souza-Fernandes", 'M/s Rao & Sons (P) Ltd.', 'आशा राव', 'Ñúñez Peña', 'e2e partner side 1a2b3c4d'])('accepts the real-world name %s', (holderName) => {
    expect(validateOpenAccount({ mobile: '+919800000001', holderName }).ok).toBe(true);
  });

  it('opens at 0.00 when no balance is given', () => {
    const result = validateOpenAccount({ mobile: '+919800000001', holderName: 'Asha' });
    expect(result.ok && result.value.openingBalance.minorUnits).toBe(0n);
  });

  it.each([
    [{ mobile: '9800000001', holderName: 'A' }, 'mobile'],
    [{ mobile: '+919800000001', holderName: '' }, 'holderName'],
    [{ mobile: '+919800000001', holderName: 'A\u0000' }, 'holderName'],
    [{ mobile: '+919800000001', holderName: 'A\u202eB' }, 'holderName'],
    [{ mobile: '+919800000001', holderName: '<script>' }, 'holderName'],
    [{ mobile: '+919800000001', holderName: 'A'.repeat(101) }, 'holderName'],
    [{ mobile: '+919800000001', holderName: 'A', openingBalance: 100 }, 'openingBalance'],
    [{ mobile: '+919800000001', holderName: 'A', openingBalance: '1.005' }, 'openingBalance'],
    [{ mobile: '+919800000001', holderName: 'A', openingBalance: '-1.00' }, 'openingBalance'],
    [{ mobile: '+919800000001', holderName: 'A', accountNumber: '123456789012' }, 'accountNumber: unknown field'],
  ])('refuses %j, naming %s', (body, field) => {
    const result = validateOpenAccount(body);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors.join('\n')).toContain(field);
  });

  it('never echoes a value back', () => {
    const result = validateOpenAccount({ mobile: '98765-43210', holderName: 'A' });
    expect(JSON.stringify(result)).not.toContain('98765');
  });

  it('refuses a body that is not an object', () => {
    expect(validateOpenAccount([1])).toEqual({ ok: false, errors: ['the body must be a JSON object'] });
  });
});

describe('validateMobileQuery', () => {
  it('takes back a "+" that URL decoding turned into a space', () => {
    expect(validateMobileQuery(' 919800000001')).toEqual({ ok: true, value: '+919800000001' });
    expect(validateMobileQuery('+919800000001')).toEqual({ ok: true, value: '+919800000001' });
    expect(validateMobileQuery(null).ok).toBe(false);
    expect(validateMobileQuery('abc').ok).toBe(false);
  });
});
