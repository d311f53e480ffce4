import { randomUUID } from 'node:crypto';
import { ExecutionContext, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { InternalOperation } from '@kirim/contracts';
import { DeviceBindingRevocations } from '../auth/device-binding-revocations';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { JWT_ALGORITHM, JWT_AUDIENCES, JWT_ISSUER } from '../auth/jwt.constants';
import { ProblemException } from '../http/problem-details';
import { InternalEndpoint, ServiceAuthGuard } from '../service-auth/service-auth.guard';
import { newOperatorKey, OperatorKeyring, parseOperatorKeyDigests } from './operator-keys';
import { OperatorGuard } from './operator.guard';

interface FakeRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | undefined>;
  operator?: { name: string };
}

class FakeResponse {
  readonly headers = new Map<string, string>();
  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
  }
}

function contextFor(request: FakeRequest, response = new FakeResponse(), handler?: () => unknown, controller?: object): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    getHandler: () => handler,
    getClass: () => controller,
  } as unknown as ExecutionContext;
}

function keyringOf(...entries: string[]): OperatorKeyring {
  const parsed = parseOperatorKeyDigests(entries.join(','));
  if (!parsed.ok) throw new Error(parsed.reason);
  return new OperatorKeyring(parsed.digests);
}

function attempt(guard: OperatorGuard, authorization: string | undefined): { allowed: boolean; request: FakeRequest; response: FakeResponse; problem?: ProblemException['problem'] } {
  const request: FakeRequest = { method: 'POST', originalUrl: '/internal/v1/operator/dead-letters/1/replay?x=1', headers: { authorization } };
  const response = new FakeResponse();
  try {
    return { allowed: guard.canActivate(contextFor(request, response)), request, response };
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    return { allowed: false, request, response, problem: error.problem };
  }
}

class NoRevocations extends DeviceBindingRevocations {
  async isRevoked(): Promise<boolean> {
    return false;
  }
}

describe('OperatorGuard', () => {
  const alice = newOperatorKey('alice');
  const aliceNext = newOperatorKey('alice');
  const bob = newOperatorKey('bob');
  const guard = new OperatorGuard(keyringOf(alice.digestEntry, aliceNext.digestEntry, bob.digestEntry));
  let logged: unknown[][];

  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((...args: unknown[]) => void logged.push(args));
  });

  afterEach(() => jest.restoreAllMocks());

  it('lets in a known key, puts the operator on the request and logs the action with the name, never the key', () => {
    const outcome = attempt(guard, `Bearer ${alice.key}`);
    expect(outcome.allowed).toBe(true);
    expect(outcome.request.operator).toEqual({ name: 'alice' });
    expect(logged).toEqual([[{ operator: 'alice', action: 'POST /internal/v1/operator/dead-letters/1/replay' }, 'operator request']]);
    expect(JSON.stringify(logged)).not.toContain(alice.key);
    expect(attempt(guard, `bearer ${aliceNext.key}`).request.operator).toEqual({ name: 'alice' });
    expect(attempt(guard, `Bearer ${bob.key}`).request.operator).toEqual({ name: 'bob' });
  });

  it('answers 401 with WWW-Authenticate when the key is missing', () => {
    const outcome = attempt(guard, undefined);
    expect(outcome.problem).toMatchObject({ status: 401, code: 'unauthenticated', detail: 'An operator key is required: Authorization: Bearer <operator key>.' });
    expect(outcome.response.headers.get('www-authenticate')).toBe('Bearer realm="kirim-operator"');
    expect(outcome.request.operator).toBeUndefined();
  });

  it.each([
    ['an unknown key', () => `Bearer ${newOperatorKey('alice').key}`, 'The operator key is not valid.'],
    ['a key cut short', () => `Bearer ${alice.key.slice(0, -1)}`, 'The operator key is not valid.'],
    ['another scheme', () => `Basic ${Buffer.from(`alice:${alice.key}`).toString('base64')}`, 'The Authorization header must be "Bearer <operator key>".'],
    ['a JWT', () => 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'Operator endpoints take an operator key, never a user or service token.'],
    ['two keys', () => `Bearer ${alice.key} ${bob.key}`, 'The Authorization header must be "Bearer <operator key>".'],
  ])('answers 401 invalid_token to %s, logging why without the key', (_label, header, detail) => {
    const presented = header();
    const outcome = attempt(guard, presented);
    expect(outcome.problem).toMatchObject({ status: 401, code: 'unauthenticated', detail });
    expect(outcome.response.headers.get('www-authenticate')).toBe('Bearer realm="kirim-operator", error="invalid_token"');
    expect(outcome.request.operator).toBeUndefined();
    expect(JSON.stringify(logged)).not.toContain(presented.split(' ')[1]);
  });

  it('answers 403 and says operator endpoints are disabled when no key is configured', () => {
    const disabled = new OperatorGuard(new OperatorKeyring(new Map()));
    const outcome = attempt(disabled, `Bearer ${alice.key}`);
    expect(outcome.problem).toMatchObject({ status: 403, code: 'forbidden' });
    expect(outcome.problem?.detail).toContain('Operator endpoints are disabled');
    expect(outcome.problem?.detail).toContain('OPERATOR_KEY_DIGESTS');
  });

  describe('and the other guards', () => {
    const operation: InternalOperation = { name: 'resolve-payment-parties', service: 'identity', method: 'GET', path: '/internal/v1/payment-parties', callers: ['payments'] };
    class InternalController {
      @InternalEndpoint(operation)
      resolve(): string {
        return 'resolved';
      }
    }
    let userGuard: JwtAuthGuard;
    let serviceGuard: ServiceAuthGuard;
    let userToken: string;
    let serviceToken: string;

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair(JWT_ALGORITHM);
      const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: JWT_ALGORITHM, use: 'sig' };
      const keys = createLocalJWKSet({ keys: [jwk] });
      userGuard = new JwtAuthGuard(keys, JWT_AUDIENCES.PAYMENTS, new NoRevocations());
      serviceGuard = new ServiceAuthGuard(new Reflector(), keys, 'identity');
      const now = Math.floor(Date.now() / 1000);
      const sign = (claims: Record<string, unknown>) =>
        new SignJWT(claims).setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'k1' }).setIssuer(JWT_ISSUER).setIssuedAt(now).setExpirationTime(now + 300).setJti(randomUUID()).sign(privateKey);
      userToken = await sign({ sub: randomUUID(), aud: [JWT_AUDIENCES.PAYMENTS] });
      serviceToken = await sign({ sub: 'payments', client_id: 'payments', aud: 'identity' });
    });

    it('refuses a valid user token and a valid service token (both pass their own guards)', async () => {
      const request = (authorization: string): FakeRequest => ({ method: 'GET', originalUrl: '/x', headers: { authorization } });
      await expect(userGuard.canActivate(contextFor(request(`Bearer ${userToken}`)))).resolves.toBe(true);
      await expect(serviceGuard.canActivate(contextFor(request(`Bearer ${serviceToken}`), undefined, InternalController.prototype.resolve, InternalController))).resolves.toBe(true);
      for (const token of [userToken, serviceToken]) expect(attempt(guard, `Bearer ${token}`).problem).toMatchObject({ status: 401, code: 'unauthenticated' });
    });

    it('an operator key passes neither the user guard nor the service guard', async () => {
      const request: FakeRequest = { method: 'GET', originalUrl: '/x', headers: { authorization: `Bearer ${alice.key}` } };
      await expect(userGuard.canActivate(contextFor(request))).rejects.toMatchObject({ problem: { status: 401, code: 'unauthenticated' } });
      await expect(serviceGuard.canActivate(contextFor(request, undefined, InternalController.prototype.resolve, InternalController))).rejects.toMatchObject({
        problem: { status: 401, code: 'unauthenticated' },
      });
    });
  });
});
