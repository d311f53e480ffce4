import { validateSetUpiPin } from './set-upi-pin.request';

const JWE = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVy.dGFn';

describe('validateSetUpiPin', () => {
  it('accepts a compact JWE', () => {
    expect(validateSetUpiPin({ encryptedPin: JWE })).toEqual({ ok: true, value: { encryptedPin: JWE } });
  });

  it.each([
    [{}, 'encryptedPin'],
    [{ encryptedPin: '1234' }, 'encryptedPin'],
    [{ encryptedPin: `${'a'.repeat(3000)}..b.c.d` }, 'encryptedPin'],
    [{ encryptedPin: JWE, pin: '1234' }, 'pin: unknown field'],
    [[JWE], 'JSON object'],
  ])('refuses %j, naming %s, without echoing a value', (body, field) => {
    const result = validateSetUpiPin(body);
    expect(result.ok).toBe(false);
    const errors = result.ok ? '' : result.errors.join('\n');
    expect(errors).toContain(field);
    expect(errors).not.toContain('1234');
    expect(errors).not.toContain('aaaa');
  });
});
