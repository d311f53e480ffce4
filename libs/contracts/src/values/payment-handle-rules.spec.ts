import { checkCustomHandle, handleSkeleton } from './payment-handle-rules';

describe('payment handle rules (shared by every service issuing kirim addresses)', () => {
  it('reads a handle without case and with or without the kirim suffix', () => {
    expect(checkCustomHandle('Chai.Point@kirim')).toEqual({ ok: true, handle: 'chai.point', skeleton: handleSkeleton('chai.point') });
    expect(checkCustomHandle('chai.point')).toMatchObject({ ok: true, handle: 'chai.point' });
  });

  it.each([
    ['chai@otherpsp', 'invalid'],
    ['ab', 'invalid'],
    ['chai..point', 'invalid'],
    ['9876543210', 'invalid'],
    ['support', 'reserved'],
    ['kirim.shop', 'reserved'],
    ['refunds-desk', 'reserved'],
    ['98765432lo', 'reserved'],
  ])('refuses %s as %s', (requested, code) => {
    expect(checkCustomHandle(requested)).toMatchObject({ ok: false, code });
  });

  it('gives look-alike handles one skeleton, so a unique skeleton keeps them apart', () => {
    expect(handleSkeleton('chai-point')).toBe(handleSkeleton('chai_p0int'));
    expect(handleSkeleton('modern')).toBe(handleSkeleton('modem'));
    expect(handleSkeleton('chai.point')).not.toBe(handleSkeleton('chai.paint'));
  });
});
