import { storableCopy, storableText } from './storable-json';

describe('storableCopy', () => {
  it('drops a UPI PIN block at any depth and says so, keeping everything else', () => {
    const copy = storableCopy({ requestId: 'r-1', encryptedPin: 'a..b.c.d', nested: { list: [{ encryptedPin: 'e..f.g.h', keep: 1 }] } });
    expect(copy.value).toEqual({ requestId: 'r-1', nested: { list: [{ keep: 1 }] } });
    expect(copy.pinRemoved).toBe(true);
    expect(copy.altered).toBe(false);
    expect(JSON.stringify(copy.value)).not.toContain('..');
  });

  it('removes NUL characters (PostgreSQL cannot store them) and marks the copy as altered', () => {
    const copy = storableCopy({ reason: 'bad\u0000byte', ['k\u0000ey']: 'v' });
    expect(copy.value).toEqual({ reason: 'badbyte', key: 'v' });
    expect(copy.altered).toBe(true);
    expect(copy.pinRemoved).toBe(false);
  });

  it('copies class instances and dates as JSON would, and leaves the original untouched', () => {
    class Money {
      constructor(
        readonly value: string,
        readonly currency: string,
      ) {}
    }
    const original = { amount: new Money('1.00', 'INR'), at: new Date('2026-01-02T03:04:05.000Z'), missing: undefined, encryptedPin: 'x..y.z.w' };
    const copy = storableCopy(original);
    expect(copy.value).toEqual({ amount: { value: '1.00', currency: 'INR' }, at: '2026-01-02T03:04:05.000Z' });
    expect(original.encryptedPin).toBe('x..y.z.w');
  });
});

describe('storableText', () => {
  it('removes NUL characters and bounds the length', () => {
    expect(storableText('a\u0000b', 10)).toBe('ab');
    expect(storableText('x'.repeat(50), 20)).toHaveLength(20);
  });
});
