import { ProblemException } from '@kirim/platform';
import { IdentityConfig } from '../identity.config';
import { SandboxLoginGuard } from './sandbox-login.guard';

const configWith = (sandbox: boolean): IdentityConfig => Object.assign(new IdentityConfig(), { IDENTITY_SANDBOX_LOGIN: sandbox });

describe('SandboxLoginGuard', () => {
  it('lets sandbox login through when IDENTITY_SANDBOX_LOGIN is true', () => {
    expect(new SandboxLoginGuard(configWith(true)).canActivate()).toBe(true);
  });

  it('answers a 404 problem naming the switch when it is off (the default)', () => {
    let caught: unknown;
    try {
      new SandboxLoginGuard(new IdentityConfig()).canActivate();
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProblemException);
    expect((caught as ProblemException).problem).toMatchObject({ status: 404, code: 'not-found', detail: expect.stringContaining('IDENTITY_SANDBOX_LOGIN') });
  });
});
