import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';
import { BankConnectorConfig } from '../bank-connector.config';

export const SANDBOX_ADMIN_TOKEN_HEADER = 'x-sandbox-admin-token';

/**
 * Compares in constant time. Both sides are hashed first so that neither the length nor the first
 * differing byte of the configured token can be learned from response times.
 */
export function sandboxAdminTokenMatches(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Guards the sandbox administration API: 404 when SANDBOX_ADMIN_TOKEN is unset (the feature does not
 * exist in that deployment), 401 when the header is missing or wrong.
 */
@Injectable()
export class SandboxAdminGuard implements CanActivate {
  constructor(private readonly config: BankConnectorConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.SANDBOX_ADMIN_TOKEN;
    if (expected === undefined || expected === '') {
      throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'Not found.');
    }
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const given = request.headers[SANDBOX_ADMIN_TOKEN_HEADER];
    if (typeof given !== 'string' || !sandboxAdminTokenMatches(given, expected)) {
      throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, `The ${SANDBOX_ADMIN_TOKEN_HEADER} header is missing or wrong.`);
    }
    return true;
  }
}
