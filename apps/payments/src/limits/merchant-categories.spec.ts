import { ConfigError } from '@kirim/platform';
import UPI from './scheme-profiles/upi.json';
import { loadSchemeProfile, merchantCategoryOf, merchantPerPaymentMaxMinor, parseSchemeProfile } from './scheme-profile';

/** The UPI profile with its merchant sections replaced. */
function withMerchantSections(sections: Record<string, unknown>): unknown {
  return { ...UPI, ...sections };
}

function problemsOf(document: unknown): readonly string[] {
  try {
    parseSchemeProfile(document, 'test profile');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("the scheme profile's merchant categories", () => {
  const upi = loadSchemeProfile({ name: 'upi' });

  it("caps everyday merchants at the P2P limit and verified hospitals, schools and tax collectors at NPCI's 5,00,000", () => {
    const restaurant = merchantCategoryOf(upi, '5812');
    const hospital = merchantCategoryOf(upi, '8062');
    const tax = merchantCategoryOf(upi, '9311');
    expect(restaurant && merchantPerPaymentMaxMinor(restaurant, true)).toBe(10_000_000n);
    expect(hospital && [merchantPerPaymentMaxMinor(hospital, false), merchantPerPaymentMaxMinor(hospital, true)]).toEqual([10_000_000n, 50_000_000n]);
    expect(tax && merchantPerPaymentMaxMinor(tax, true)).toBe(50_000_000n);
    expect(merchantCategoryOf(upi, '7995')).toBeNull();
    expect(upi.merchantOrders).toEqual({ defaultExpiryMs: 30 * 60_000, maxExpiryMs: 24 * 3_600_000 });
  });

  it('accepts a profile without merchant sections: no category then, and the default order expiry', () => {
    const { merchantCategories: _categories, merchantOrders: _orders, ...p2pOnly } = UPI;
    const profile = parseSchemeProfile(p2pOnly, 'test profile');
    expect(profile.merchantCategories).toEqual([]);
    expect(profile.merchantOrders.defaultExpiryMs).toBe(30 * 60_000);
  });

  it('stops boot naming the field for a cap above the merchant ceiling, a code in two groups, a bad code or expiries out of order', () => {
    const group = { name: 'shops', codes: ['5411'], perPaymentMax: '100.00' };
    expect(problemsOf(withMerchantSections({ merchantCategories: [{ ...group, perPaymentMax: '500000.01' }] }))).toEqual([
      'test profile: merchantCategories.0.perPaymentMax must be at most 500000.00 INR (the hard ceiling of a merchant payment)',
    ]);
    expect(problemsOf(withMerchantSections({ merchantCategories: [group, { ...group, name: 'again' }] }))).toEqual([
      'test profile: merchantCategories.1.codes: 5411 is already in group shops; a code belongs to one group',
    ]);
    expect(problemsOf(withMerchantSections({ merchantCategories: [{ ...group, verifiedPerPaymentMax: '50.00' }] }))).toEqual([
      'test profile: merchantCategories.0.verifiedPerPaymentMax must not be below its perPaymentMax',
    ]);
    expect(problemsOf(withMerchantSections({ merchantCategories: [{ ...group, codes: ['54111'] }] }))).toEqual([
      'test profile: merchantCategories.0.codes must hold only 4-digit merchant category codes',
    ]);
    expect(problemsOf(withMerchantSections({ merchantOrders: { defaultExpiryMinutes: 60, maxExpiryMinutes: 30 } }))).toEqual([
      'test profile: merchantOrders.defaultExpiryMinutes must not be above its maxExpiryMinutes',
    ]);
    expect(problemsOf(withMerchantSections({ merchantCategories: [{ ...group, limit: '1.00' }] }))).toEqual(['test profile: merchantCategories.0.limit is not a known field']);
  });
});
