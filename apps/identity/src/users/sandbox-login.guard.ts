import { CanActivate, HttpStatus, Injectable } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';
import { IdentityConfig } from '../identity.config';

/**
 * POST /v1/users and POST /v1/sessions hand out a token for a bare phone number: there is no OTP
 * or device binding yet. They exist only where IDENTITY_SANDBOX_LOGIN=true (local stack, tests)
 * and answer 404 everywhere else, as if they did not exist.
 */
@Injectable()
export class SandboxLoginGuard implements CanActivate {
  constructor(private readonly config: IdentityConfig) {}

  canActivate(): boolean {
    if (this.config.IDENTITY_SANDBOX_LOGIN) return true;
    throw new ProblemException(
      HttpStatus.NOT_FOUND,
      PROBLEM_CODES.NOT_FOUND,
      'Sandbox login is disabled (IDENTITY_SANDBOX_LOGIN is not true); registration and sessions need OTP and device binding, which are not available yet.',
    );
  }
}
