import { DynamicModule, Module } from '@nestjs/common';
import { loadConfig } from '../config/load-config';
import { OperatorAuthConfig, operatorKeyringOf } from './operator-auth.config';
import { OperatorKeyring } from './operator-keys';
import { OPERATOR_KEYRING, OperatorGuard } from './operator.guard';

export interface OperatorAuthModuleOptions {
  /** The environment to read OPERATOR_KEY_DIGESTS from; process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** A keyring given directly (tests). */
  readonly keyring?: OperatorKeyring;
}

/**
 * Operator authentication for a service's operator endpoints (`@OperatorEndpoint()`), apart from
 * user tokens (AuthModule) and service tokens (ServiceAuthModule). Global, so any feature module's
 * controllers can use the guard. OPERATOR_KEY_DIGESTS is validated when the module is created: a bad
 * entry stops the service at boot with a message naming it.
 */
@Module({})
export class OperatorAuthModule {
  static forRoot(options: OperatorAuthModuleOptions = {}): DynamicModule {
    const keyring = options.keyring
      ? { provide: OPERATOR_KEYRING, useValue: options.keyring }
      : { provide: OPERATOR_KEYRING, useFactory: () => operatorKeyringOf(loadConfig(OperatorAuthConfig, options.env)) };
    return { module: OperatorAuthModule, global: true, providers: [keyring, OperatorGuard], exports: [OPERATOR_KEYRING, OperatorGuard] };
  }
}
