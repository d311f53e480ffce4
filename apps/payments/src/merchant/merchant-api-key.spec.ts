import { bearerMerchantKeyOf, digestsEqual, lookupPrefixOf, merchantKeyDigest, presentedMerchantKey, RandomMerchantApiKeySource } from './merchant-api-key';

describe('merchant API keys', () => {
  const source = new RandomMerchantApiKeySource();

  it('are kmk_ and 32 random bytes in base64url, a new one each time', () => {
    const [a, b] = [source.newKey(), source.newKey()];
    expect(a).toMatch(/^kmk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('are found by the 12 characters after kmk_ and checked by the SHA-256 of the whole key', () => {
    const key = source.newKey();
    expect(presentedMerchantKey(key)).toEqual({ lookupPrefix: key.slice(4, 16), digest: merchantKeyDigest(key) });
    expect(lookupPrefixOf(key)).toHaveLength(12);
    expect(merchantKeyDigest(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(merchantKeyDigest(key)).not.toContain(key.slice(4));
  });

  it('compare digests only when equal, never a prefix or an empty one', () => {
    const digest = merchantKeyDigest(source.newKey());
    expect(digestsEqual(digest, digest)).toBe(true);
    expect(digestsEqual(digest, merchantKeyDigest(source.newKey()))).toBe(false);
    expect(digestsEqual(digest.slice(0, 32), digest)).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });

  it('come only from "Authorization: Bearer kmk_..."; a JWT, another scheme or a malformed key is none', () => {
    const key = source.newKey();
    expect(bearerMerchantKeyOf(`Bearer ${key}`)).toBe(key);
    expect(bearerMerchantKeyOf(`bearer  ${key} `)).toBe(key);
    expect(bearerMerchantKeyOf('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBeNull();
    expect(bearerMerchantKeyOf(`Basic ${key}`)).toBeNull();
    expect(bearerMerchantKeyOf(`Bearer ${key}x`)).toBeNull();
    expect(bearerMerchantKeyOf(['Bearer', key])).toBeNull();
    expect(bearerMerchantKeyOf(undefined)).toBeNull();
    expect(presentedMerchantKey('kop_operatorkey')).toBeNull();
  });
});
