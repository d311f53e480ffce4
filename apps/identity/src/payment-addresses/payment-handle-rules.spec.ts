import { checkCustomHandle, defaultHandleCandidates, handleSkeleton, parsePaymentAddress, RESERVED_HANDLES } from './payment-handle-rules';

describe('checkCustomHandle', () => {
  it.each([
    ['asha', 'asha'],
    ['Asha.K', 'asha.k'],
    ['asha_k-2@kirim', 'asha_k-2'],
    ['  ravi.shankar  ', 'ravi.shankar'],
    ['a'.repeat(50), 'a'.repeat(50)],
    ['abc', 'abc'],
  ])('accepts %j as %j', (requested, handle) => {
    expect(checkCustomHandle(requested)).toMatchObject({ ok: true, handle });
  });

  it.each([
    ['ab', 'too short'],
    ['a'.repeat(51), 'too long'],
    ['.asha', 'a leading separator'],
    ['asha-', 'a trailing separator'],
    ['as..ha', 'a double separator'],
    ['as._ha', 'two different separators in a row'],
    ['as ha', 'a space'],
    ['asha@otherpsp', "another PSP's suffix"],
    ['asha@kirim@kirim', 'an "@" in the handle'],
    ['аsha', 'a Cyrillic а (non-ASCII look-alike)'],
    ['ａsha', 'a full-width letter'],
    ['asha\u200b', 'a zero-width space'],
    ['asha\u0000', 'a NUL'],
    ['asha+1', 'a "+"'],
    ['9876543210', 'digits only (phone-number addresses)'],
  ])('refuses %j as invalid: %s', (requested) => {
    expect(checkCustomHandle(requested)).toMatchObject({ ok: false, code: 'invalid' });
  });

  it.each(RESERVED_HANDLES.filter((word) => word.length >= 3))('refuses the reserved word %j', (word) => {
    expect(checkCustomHandle(word)).toMatchObject({ ok: false, code: 'reserved' });
  });

  it.each([
    ['adm1n', 'a digit for a letter'],
    ['supp0rt', 'a zero for an o'],
    ['SUPPORT', 'upper case'],
    ['k1r1m', 'ones for i'],
    ['bank', 'the word itself'],
    ['securlty', 'an l for the i'],
    ['help-desk', 'a separator inside'],
    ['kirim.support', 'the brand inside'],
    ['asha.kirim', 'the brand at the end'],
    ['npci_helpline', 'the scheme inside'],
    ['paytm.kyc', 'kyc inside'],
    ['9876543z1o', 'a phone number written with look-alike letters'],
  ])('refuses %j as reserved: %s', (requested) => {
    expect(checkCustomHandle(requested)).toMatchObject({ ok: false, code: 'reserved' });
  });

  it('allows short words made only of digit look-alikes: no phone-number address is that short', () => {
    expect(checkCustomHandle('bob')).toMatchObject({ ok: true, handle: 'bob' });
    expect(checkCustomHandle('bools')).toMatchObject({ ok: true });
  });
});

describe('handleSkeleton', () => {
  it.each([
    ['asha', 'a5ha'],
    ['lily', '1i1y'],
    ['modern', 'rnodern'],
    ['wow', 'vvovv'],
    ['dean', 'clean'],
    ['ravi.k', 'ravi_k'],
    ['ravi.k', 'ravi-k'],
    ['rohan0', 'rohano'],
    ['big8', 'bigb'],
  ])('folds %j and %j to one skeleton', (a, b) => {
    expect(handleSkeleton(a)).toBe(handleSkeleton(b));
  });

  it.each([
    ['asha', 'ashu'],
    ['asha.k', 'ashak'],
    ['ravi', 'ravin'],
  ])('keeps %j and %j apart', (a, b) => {
    expect(handleSkeleton(a)).not.toBe(handleSkeleton(b));
  });

  it('gives distinct digit strings distinct skeletons (default addresses never collide by skeleton)', () => {
    const skeletons = new Set(Array.from({ length: 10 }, (_, digit) => handleSkeleton(`98765432${digit}0`)));
    expect(skeletons.size).toBe(10);
  });
});

describe('defaultHandleCandidates', () => {
  it('makes an Indian number its national number first, then all its digits', () => {
    expect(defaultHandleCandidates('+919876543210')).toEqual(['9876543210', '919876543210']);
  });

  it('makes any other number all its digits', () => {
    expect(defaultHandleCandidates('+14155550123')).toEqual(['14155550123']);
  });
});

describe('parsePaymentAddress', () => {
  it("reads a kirim address without case, and knows another PSP's", () => {
    expect(parsePaymentAddress('Asha.K@Kirim')).toEqual({ ok: true, handle: 'asha.k' });
    expect(parsePaymentAddress('asha@okaxis')).toEqual({ ok: false, reason: 'other-psp' });
    expect(parsePaymentAddress('asha k@kirim')).toEqual({ ok: false, reason: 'malformed' });
  });
});
