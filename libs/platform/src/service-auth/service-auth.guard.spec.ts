import { randomUUID } from 'node:crypto';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';
import { InternalOperation } from '@kirim/contracts';
import { ProblemException } from '../http/problem-details';
import { JWT_ALGORITHM, JWT_ISSUER } from '../auth/jwt.constants';
import { InternalEndpoint, ServiceAuthGuard } from './service-auth.guard';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const OPERATION: InternalOperation = { name: 'resolve-payment-parties', service: 'identity', method: 'GET', path: '/internal/v1/payment-parties', callers: ['payments'] };

class InternalController {
  @InternalEndpoint(OPERATION)
  resolve(): string {
    return 'resolved';
  }

  undeclared(): string {
    return 'undeclared';
  }
}

interface FakeRequest {
  headers: Record<string, string | undefined>;
  callerService?: { service: string };
}

function contextFor(request: FakeRequest, handler: keyof InternalController = 'resolve'): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request }),
    getHandler: () => InternalController.prototype[handler],
    getClass: () => InternalController,
  } as unknown as ExecutionContext;
}

describe('ServiceAuthGuard', () => {
  let key: PrivateKey;
  let stranger: PrivateKey;
  let guard: ServiceAuthGuard;

  beforeAll(async () => {
    const trusted = await generateKeyPair(JWT_ALGORITHM);
    key = trusted.privateKey;
    stranger = (await generateKeyPair(JWT_ALGORITHM)).privateKey;
    const jwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: 'k1', alg: JWT_ALGORITHM, use: 'sig' };
    guard = new ServiceAuthGuard(new Reflector(), createLocalJWKSet({ keys: [jwk] }), 'identity');
  });

  async function token(claims: JWTPayload, options: { key?: PrivateKey; exp?: number } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'k1' })
      .setIssuer(JWT_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(options.exp ?? now + 300)
      .setJti(randomUUID())
      .sign(options.key ?? key);
  }

  const serviceToken = (service: string, aud: string | string[] = 'identity', options?: { key?: PrivateKey; exp?: number }) =>
    token({ sub: service, client_id: service, aud }, options);

  async function refusal(header: string | undefined, handler: keyof InternalController = 'resolve'): Promise<{ status: number; code: string; detail: string }> {
    const error = await guard.canActivate(contextFor({ headers: { authorization: header } }, handler)).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof ProblemException)) throw new Error(`expected a refusal, got ${String(error)}`);
    return { status: error.problem.status, code: error.problem.code, detail: error.problem.detail };
  }

  it('lets a declared caller in with its own token for this service, and names it on the request', async () => {
    const request: FakeRequest = { headers: { authorization: `Bearer ${await serviceToken('payments')}` } };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.callerService).toEqual({ service: 'payments' });
  });

  it('refuses a user token, whoever it belongs to', async () => {
    const userToken = await token({ sub: randomUUID(), aud: ['identity', 'payments', 'notifications'], did: randomUUID(), dbt: 1 });
    await expect(refusal(`Bearer ${userToken}`)).resolves.toMatchObject({ status: 403, code: 'forbidden', detail: expect.stringContaining('never a user token') });
  });

  it("refuses another service's credentials: a service the declaration does not list", async () => {
    await expect(refusal(`Bearer ${await serviceToken('notifications')}`)).resolves.toMatchObject({ status: 403, detail: 'notifications may not call resolve-payment-parties.' });
  });

  it("refuses a caller's token meant for another service", async () => {
    await expect(refusal(`Bearer ${await serviceToken('payments', 'bank-connector')}`)).resolves.toMatchObject({ status: 403, detail: expect.stringContaining('not meant for identity') });
  });

  it('refuses a token whose client and subject disagree, or that names no service', async () => {
    await expect(refusal(`Bearer ${await token({ sub: 'identity', client_id: 'payments', aud: 'identity' })}`)).resolves.toMatchObject({ status: 401 });
    await expect(refusal(`Bearer ${await token({ sub: 'mallory', client_id: 'mallory', aud: 'identity' })}`)).resolves.toMatchObject({ status: 401 });
  });

  it('refuses expired, foreign-signed, missing and malformed credentials', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    await expect(refusal(`Bearer ${await serviceToken('payments', 'identity', { exp: past })}`)).resolves.toMatchObject({ status: 401, detail: 'The service token has expired.' });
    await expect(refusal(`Bearer ${await serviceToken('payments', 'identity', { key: stranger })}`)).resolves.toMatchObject({ status: 401 });
    await expect(refusal(undefined)).resolves.toMatchObject({ status: 401 });
    await expect(refusal('Basic cGF5bWVudHM6c2VjcmV0')).resolves.toMatchObject({ status: 401 });
  });

  it('is a wiring bug, not a refusal, on a handler without a declaration', async () => {
    await expect(guard.canActivate(contextFor({ headers: {} }, 'undeclared'))).rejects.toThrow('without @InternalEndpoint');
  });
});
