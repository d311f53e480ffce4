import { CanActivate, HttpStatus, Injectable } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';
import { IdentityConfig } from '../identity.config';

/**
 * POST /v1/users and POST /v1/sessions hand out a token for a bare phone number. They exist only
 * where IDENTITY_SANDBOX_LOGIN=true (local development; refused at boot in production) and answer
 * 404 everywhere else, as if they did not exist. Clients sign in by binding a device.
 */
@Injectable()
export class SandboxLoginGuard implements CanActivate {
  constructor(private readonly config: IdentityConfig) {}

  canActivate(): boolean {
    if (this.config.IDENTITY_SANDBOX_LOGIN) return true;
    throw new ProblemException(
      HttpStatus.NOT_FOUND,
      PROBLEM_CODES.NOT_FOUND,
      'Sandbox login is disabled (IDENTITY_SANDBOX_LOGIN is not true); sign in by binding a device (POST /v1/device-bindings).',
    );
  }
}
