import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { JWT_ALGORITHM, JWT_AUDIENCES, JWT_ISSUER, RandomIdGenerator } from '@kirim/platform';
import { FixedClock } from '@kirim/testing';
import { publishJwks } from './jwks';
import { loadSigningKey, parsePublishedKey, SigningKey } from './signing-key';
import { TokenIssuer } from './token-issuer';

const USER_ID = '5b0f7d1e-8c1a-4a57-9d0e-0e6f3a1c2b4d';
/** Any RFC 9562 uuid: the ids are time-ordered v7 now, and what a jti needs is uniqueness, not a version. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function newP256Pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

describe('TokenIssuer', () => {
  const signingKey: SigningKey = loadSigningKey(newP256Pem(), 'identity-2025-01');
  const now = new Date('2025-06-01T10:00:00Z');
  const issuer = new TokenIssuer({ signingKey, ttlSeconds: 900, clock: new FixedClock(now), ids: new RandomIdGenerator() });
  const jwks = createLocalJWKSet(publishJwks([signingKey]));

  it('issues an ES256 token that verifies against the published JWKS with the platform claims', async () => {
    const token = await issuer.issueAccessToken(USER_ID);

    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(900);
    const { payload, protectedHeader } = await jwtVerify(token.accessToken, jwks, {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCES.PAYMENTS,
      algorithms: [JWT_ALGORITHM],
      currentDate: now,
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'identity-2025-01', typ: 'JWT' });
    expect(payload.iss).toBe('kirim-identity');
    expect(payload.aud).toEqual(['identity', 'payments', 'notifications']);
    // A sandbox-login token names no device.
    expect(payload).not.toHaveProperty('did');
    expect(payload).not.toHaveProperty('cnf');
    expect(payload.sub).toBe(USER_ID);
    expect(payload.iat).toBe(now.getTime() / 1000);
    expect(payload.exp).toBe(now.getTime() / 1000 + 900);
    expect(payload.jti).toMatch(UUID);
  });

  it('binds a device token to its binding, bound time and device key thumbprint', async () => {
    const boundAt = new Date('2025-06-01T09:59:00Z');
    const token = await issuer.issueAccessToken(USER_ID, { bindingId: '6f1f5b9e-2c3d-4e5f-8a9b-0c1d2e3f4a5b', boundAt, keyThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' });

    const { payload } = await jwtVerify(token.accessToken, jwks, { currentDate: now });
    expect(payload).toMatchObject({
      did: '6f1f5b9e-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
      dbt: boundAt.getTime() / 1000,
      cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' },
    });
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([issuer.issueAccessToken(USER_ID), issuer.issueAccessToken(USER_ID)]);
    const jtiOf = async (jwt: string) => (await jwtVerify(jwt, jwks, { currentDate: now })).payload.jti;
    expect(await jtiOf(a.accessToken)).not.toBe(await jtiOf(b.accessToken));
  });

  it('produces tokens that expire after the configured TTL', async () => {
    const { accessToken } = await issuer.issueAccessToken(USER_ID);
    const justBefore = new Date(now.getTime() + 899_000);
    const justAfter = new Date(now.getTime() + 901_000);

    await expect(jwtVerify(accessToken, jwks, { currentDate: justBefore })).resolves.toBeDefined();
    await expect(jwtVerify(accessToken, jwks, { currentDate: justAfter })).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('is not verifiable with another key', async () => {
    const { accessToken } = await issuer.issueAccessToken(USER_ID);
    const otherKey = loadSigningKey(newP256Pem(), 'identity-2025-01');

    await expect(jwtVerify(accessToken, createLocalJWKSet(publishJwks([otherKey])), { currentDate: now })).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
    expect(decodeProtectedHeader(accessToken).kid).toBe('identity-2025-01');
  });
});

describe('publishJwks', () => {
  it('publishes a second key during a rotation, public part only', () => {
    const signingKey = loadSigningKey(newP256Pem(), 'k2');
    const next = parsePublishedKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString());
    if (!next.ok) throw new Error(next.reason);

    const { keys } = publishJwks([signingKey, { kid: 'k1', publicKey: next.publicKey }]);

    expect(keys.map((key) => key.kid)).toEqual(['k2', 'k1']);
    expect(keys.every((key) => !('d' in key))).toBe(true);
  });

  it('publishes only the public part of the key, with kid, alg and use', () => {
    const signingKey = loadSigningKey(newP256Pem(), 'k1');
    const { keys } = publishJwks([signingKey]);

    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: 'k1', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
    expect(signingKey.publicKey).toBeInstanceOf(KeyObject);
  });
});
