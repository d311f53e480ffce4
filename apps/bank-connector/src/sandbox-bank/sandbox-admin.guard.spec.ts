import type { ExecutionContext } from '@nestjs/common';
import { ProblemException } from '@kirim/platform';
import { BankConnectorConfig } from '../bank-connector.config';
import { SandboxAdminGuard, sandboxAdminTokenMatches } from './sandbox-admin.guard';
import { restorePlusOfMobile } from '../bank-accounts/bank-accounts.dto';

function contextWithHeaders(headers: Record<string, string>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ headers }) }) } as unknown as ExecutionContext;
}

function guardWith(token: string | undefined): SandboxAdminGuard {
  return new SandboxAdminGuard(Object.assign(new BankConnectorConfig(), { SANDBOX_ADMIN_TOKEN: token }));
}

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProblemException) return error.getStatus();
    throw error;
  }
  return undefined;
}

describe('SandboxAdminGuard', () => {
  it('answers 404 when the sandbox administration is off', () => {
    expect(statusOf(() => guardWith(undefined).canActivate(contextWithHeaders({ 'x-sandbox-admin-token': 'anything' })))).toBe(404);
  });

  it('answers 401 without the header or with a wrong token', () => {
    expect(statusOf(() => guardWith('sandbox-secret').canActivate(contextWithHeaders({})))).toBe(401);
    expect(statusOf(() => guardWith('sandbox-secret').canActivate(contextWithHeaders({ 'x-sandbox-admin-token': 'sandbox-secreT' })))).toBe(401);
    expect(statusOf(() => guardWith('sandbox-secret').canActivate(contextWithHeaders({ 'x-sandbox-admin-token': 'sandbox-secret-longer' })))).toBe(401);
  });

  it('lets the right token through', () => {
    expect(guardWith('sandbox-secret').canActivate(contextWithHeaders({ 'x-sandbox-admin-token': 'sandbox-secret' }))).toBe(true);
  });

  it('compares tokens of any lengths without throwing', () => {
    expect(sandboxAdminTokenMatches('', 'x')).toBe(false);
    expect(sandboxAdminTokenMatches('a'.repeat(1000), 'a')).toBe(false);
  });
});

describe('restorePlusOfMobile', () => {
  it("reads a query string's space back as the E.164 plus", () => {
    expect(restorePlusOfMobile(' 919800000001')).toBe('+919800000001');
    expect(restorePlusOfMobile('+919800000001')).toBe('+919800000001');
    expect(restorePlusOfMobile('919800000001')).toBe('919800000001');
    expect(restorePlusOfMobile(['x'])).toEqual(['x']);
  });
});
