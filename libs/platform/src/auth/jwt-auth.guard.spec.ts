import { randomUUID } from 'node:crypto';
import { ExecutionContext } from '@nestjs/common';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { ProblemException } from '../http/problem-details';
import { JwtAuthGuard } from './jwt-auth.guard';
import { AuthenticatedUser, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './jwt.constants';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface FakeRequest {
  headers: Record<string, string | undefined>;
  user?: AuthenticatedUser;
}

function contextFor(request: FakeRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('JwtAuthGuard', () => {
  const userId = randomUUID();
  let signingKey: PrivateKey;
  let strangerKey: PrivateKey;
  let guard: JwtAuthGuard;

  beforeAll(async () => {
    const trusted = await generateKeyPair(JWT_ALGORITHM);
    const stranger = await generateKeyPair(JWT_ALGORITHM);
    signingKey = trusted.privateKey;
    strangerKey = stranger.privateKey;
    const jwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: 'k1', alg: JWT_ALGORITHM, use: 'sig' };
    guard = new JwtAuthGuard(createLocalJWKSet({ keys: [jwk] }));
  });

  function token(overrides: { key?: PrivateKey; sub?: string; exp?: string | number; iss?: string; aud?: string } = {}) {
    return new SignJWT({})
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'k1' })
      .setSubject(overrides.sub ?? userId)
      .setIssuer(overrides.iss ?? JWT_ISSUER)
      .setAudience(overrides.aud ?? JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(overrides.exp ?? '15m')
      .sign(overrides.key ?? signingKey);
  }

  async function rejection(authorization: string | undefined): Promise<ProblemException> {
    const outcome = await guard.canActivate(contextFor({ headers: { authorization } })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(ProblemException);
    const problem = (outcome as ProblemException).problem;
    expect(problem.status).toBe(401);
    expect(problem.code).toBe('unauthenticated');
    return outcome as ProblemException;
  }

  it('lets a valid token through and attaches the user', async () => {
    const request: FakeRequest = { headers: { authorization: `Bearer ${await token()}` } };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.user).toEqual({ userId });
  });

  it('refuses a missing header', async () => {
    expect((await rejection(undefined)).problem.detail).toMatch(/missing/);
  });

  it('refuses a header that is not a bearer token', async () => {
    expect((await rejection('Basic dXNlcjpwYXNz')).problem.detail).toMatch(/Bearer/);
  });

  it('refuses an expired token', async () => {
    const expired = await token({ exp: Math.floor(Date.now() / 1000) - 60 });
    expect((await rejection(`Bearer ${expired}`)).problem.detail).toMatch(/expired/);
  });

  it('refuses a token signed by another key', async () => {
    const forged = await token({ key: strangerKey });
    expect((await rejection(`Bearer ${forged}`)).problem.detail).toMatch(/signature/);
  });

  it('refuses the wrong audience or issuer', async () => {
    expect((await rejection(`Bearer ${await token({ aud: 'someone-else' })}`)).problem.detail).toMatch(/aud/);
    expect((await rejection(`Bearer ${await token({ iss: 'evil' })}`)).problem.detail).toMatch(/iss/);
  });

  it('refuses a subject that is not a UUID', async () => {
    expect((await rejection(`Bearer ${await token({ sub: '+919876543210' })}`)).problem.detail).toMatch(/subject/);
  });

  it('refuses garbage', async () => {
    await rejection('Bearer aaa.bbb.ccc');
  });
});
