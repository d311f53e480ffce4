import { DynamicModule, Module, Provider } from '@nestjs/common';
import { jwtKeyResolverFromEnv, JwtKeyResolver } from './jwks';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JWT_KEY_RESOLVER } from './jwt.constants';

export interface AuthModuleOptions {
  /** Key source for verification; defaults to the remote JWKS at IDENTITY_JWKS_URL. Tests pass createLocalJWKSet(...). */
  keyResolver?: JwtKeyResolver;
}

@Module({})
export class AuthModule {
  /** Global, so controllers anywhere can `@UseGuards(JwtAuthGuard)`. */
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    const keyResolver: Provider = options.keyResolver
      ? { provide: JWT_KEY_RESOLVER, useValue: options.keyResolver }
      : { provide: JWT_KEY_RESOLVER, useFactory: () => jwtKeyResolverFromEnv() };
    return { module: AuthModule, global: true, providers: [keyResolver, JwtAuthGuard], exports: [JWT_KEY_RESOLVER, JwtAuthGuard] };
  }
}
