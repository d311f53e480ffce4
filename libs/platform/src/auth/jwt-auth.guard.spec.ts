import { randomUUID } from 'node:crypto';
import { ExecutionContext } from '@nestjs/common';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';
import { ProblemException } from '../http/problem-details';
import { DeviceBindingRevocations } from './device-binding-revocations';
import { JwtAuthGuard } from './jwt-auth.guard';
import { AuthenticatedUser, JWT_ALGORITHM, JWT_AUDIENCES, JWT_ISSUER, USER_TOKEN_AUDIENCES } from './jwt.constants';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface FakeRequest {
  headers: Record<string, string | undefined>;
  user?: AuthenticatedUser;
}

function contextFor(request: FakeRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

class FakeRevocations extends DeviceBindingRevocations {
  readonly revoked = new Set<string>();
  unavailable = false;

  async isRevoked(bindingId: string): Promise<boolean> {
    if (this.unavailable) throw new ProblemException(503, 'dependency-unavailable', 'Token revocations cannot be checked right now.');
    return this.revoked.has(bindingId);
  }
}

const THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

describe('JwtAuthGuard', () => {
  const userId = randomUUID();
  const bindingId = randomUUID();
  let signingKey: PrivateKey;
  let strangerKey: PrivateKey;
  let revocations: FakeRevocations;
  let guard: JwtAuthGuard;

  beforeAll(async () => {
    const trusted = await generateKeyPair(JWT_ALGORITHM);
    const stranger = await generateKeyPair(JWT_ALGORITHM);
    signingKey = trusted.privateKey;
    strangerKey = stranger.privateKey;
    const jwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: 'k1', alg: JWT_ALGORITHM, use: 'sig' };
    revocations = new FakeRevocations();
    guard = new JwtAuthGuard(createLocalJWKSet({ keys: [jwk] }), JWT_AUDIENCES.PAYMENTS, revocations);
  });

  interface TokenOverrides {
    key?: PrivateKey;
    sub?: string;
    exp?: number;
    iat?: number | null;
    iss?: string;
    aud?: string | string[];
    jti?: string | null;
    claims?: JWTPayload;
  }

  function token(overrides: TokenOverrides = {}) {
    const now = Math.floor(Date.now() / 1000);
    const iat = overrides.iat === undefined ? now : overrides.iat;
    const jwt = new SignJWT(overrides.claims ?? {})
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'k1' })
      .setSubject(overrides.sub ?? userId)
      .setIssuer(overrides.iss ?? JWT_ISSUER)
      .setAudience(overrides.aud ?? [...USER_TOKEN_AUDIENCES])
      .setExpirationTime(overrides.exp ?? now + 300);
    if (iat !== null) jwt.setIssuedAt(iat);
    if (overrides.jti !== null) jwt.setJti(overrides.jti ?? randomUUID());
    return jwt.sign(overrides.key ?? signingKey);
  }

  const deviceClaims = (overrides: JWTPayload = {}): JWTPayload => ({ did: bindingId, dbt: 1_764_000_000, cnf: { jkt: THUMBPRINT }, ...overrides });

  async function rejection(authorization: string | undefined, status = 401): Promise<ProblemException> {
    const outcome = await guard.canActivate(contextFor({ headers: { authorization } })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(ProblemException);
    const problem = (outcome as ProblemException).problem;
    expect(problem.status).toBe(status);
    if (status === 401) expect(problem.code).toBe('unauthenticated');
    return outcome as ProblemException;
  }

  it('lets a sandbox token (no binding) through and attaches the user', async () => {
    const request: FakeRequest = { headers: { authorization: `Bearer ${await token()}` } };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.user).toEqual({ userId, deviceBindingId: null, deviceBoundAt: null });
  });

  it('lets a device-bound token through with its binding and when the device was bound', async () => {
    const request: FakeRequest = { headers: { authorization: `Bearer ${await token({ claims: deviceClaims() })}` } };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.user).toEqual({ userId, deviceBindingId: bindingId, deviceBoundAt: new Date(1_764_000_000_000) });
  });

  it('refuses a device-bound token whose binding has been revoked', async () => {
    const revokedBinding = randomUUID();
    revocations.revoked.add(revokedBinding);
    expect((await rejection(`Bearer ${await token({ claims: deviceClaims({ did: revokedBinding }) })}`)).problem.detail).toMatch(/no longer bound/);
  });

  it('answers 503, not 401, when revocations cannot be checked (the client should retry, not sign in again)', async () => {
    revocations.unavailable = true;
    try {
      await rejection(`Bearer ${await token({ claims: deviceClaims() })}`, 503);
    } finally {
      revocations.unavailable = false;
    }
  });

  it('refuses a device-bound token without a key confirmation, or with a malformed one', async () => {
    expect((await rejection(`Bearer ${await token({ claims: deviceClaims({ cnf: undefined }) })}`)).problem.detail).toMatch(/cnf/);
    expect((await rejection(`Bearer ${await token({ claims: deviceClaims({ cnf: { jkt: 'short' } }) })}`)).problem.detail).toMatch(/cnf/);
  });

  it('refuses a missing header', async () => {
    expect((await rejection(undefined)).problem.detail).toMatch(/missing/);
  });

  it('refuses a header that is not a bearer token', async () => {
    expect((await rejection('Basic dXNlcjpwYXNz')).problem.detail).toMatch(/Bearer/);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await token({ iat: now - 400, exp: now - 60 });
    expect((await rejection(`Bearer ${expired}`)).problem.detail).toMatch(/expired/);
  });

  it('refuses a token without jti or iat', async () => {
    expect((await rejection(`Bearer ${await token({ jti: null })}`)).problem.detail).toMatch(/jti/);
    expect((await rejection(`Bearer ${await token({ iat: null })}`)).problem.detail).toMatch(/iat/);
  });

  it('refuses a token that lives longer than an access token may', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await rejection(`Bearer ${await token({ iat: now, exp: now + 3600 })}`)).problem.detail).toMatch(/longer/);
  });

  it('refuses a token signed by another key', async () => {
    const forged = await token({ key: strangerKey });
    expect((await rejection(`Bearer ${forged}`)).problem.detail).toMatch(/signature/);
  });

  it("refuses a token for other services' audiences, or the wrong issuer", async () => {
    expect((await rejection(`Bearer ${await token({ aud: [JWT_AUDIENCES.IDENTITY, JWT_AUDIENCES.NOTIFICATIONS] })}`)).problem.detail).toMatch(/aud/);
    expect((await rejection(`Bearer ${await token({ aud: JWT_AUDIENCES.BANK_CONNECTOR })}`)).problem.detail).toMatch(/aud/);
    expect((await rejection(`Bearer ${await token({ iss: 'evil' })}`)).problem.detail).toMatch(/iss/);
  });

  it('refuses a subject that is not a UUID', async () => {
    expect((await rejection(`Bearer ${await token({ sub: '+919876543210' })}`)).problem.detail).toMatch(/subject/);
  });

  it('refuses garbage', async () => {
    await rejection('Bearer aaa.bbb.ccc');
  });
});
