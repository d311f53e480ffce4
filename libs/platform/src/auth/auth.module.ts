import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { DEFAULT_REVOCATION_MAX_STALENESS_MS, DEFAULT_REVOCATION_POLL_INTERVAL_MS, DeviceBindingRevocations, RevocationFeedPoller } from './device-binding-revocations';
import { InternalHttpClient } from '../service-auth/internal-http-client';
import { jwtKeyResolverFromEnv, JwtKeyResolver } from './jwks';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JWT_KEY_RESOLVER, JWT_SERVICE_AUDIENCE, JwtAudience } from './jwt.constants';

export interface AuthModuleOptions {
  /** The audience this service's tokens must name (JWT_AUDIENCES.<SERVICE>). */
  audience: JwtAudience;
  /** Key source for verification; defaults to the remote JWKS at IDENTITY_JWKS_URL. Tests pass createLocalJWKSet(...). */
  keyResolver?: JwtKeyResolver;
  /**
   * Who says whether a device binding is revoked; defaults to polling identity's revocation feed.
   * identity passes its own (it reads its database); tests may pass an instance.
   */
  revocations?: Type<DeviceBindingRevocations> | DeviceBindingRevocations;
}

@Module({})
export class AuthModule {
  /** Global, so controllers anywhere can `@UseGuards(JwtAuthGuard)`. */
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const keyResolver: Provider = options.keyResolver
      ? { provide: JWT_KEY_RESOLVER, useValue: options.keyResolver }
      : { provide: JWT_KEY_RESOLVER, useFactory: () => jwtKeyResolverFromEnv() };
    return {
      module: AuthModule,
      global: true,
      providers: [keyResolver, { provide: JWT_SERVICE_AUDIENCE, useValue: options.audience }, revocationsProvider(options.revocations), JwtAuthGuard],
      exports: [JWT_KEY_RESOLVER, JWT_SERVICE_AUDIENCE, DeviceBindingRevocations, JwtAuthGuard],
    };
  }
}

function revocationsProvider(revocations: AuthModuleOptions['revocations']): Provider {
  if (revocations instanceof DeviceBindingRevocations) return { provide: DeviceBindingRevocations, useValue: revocations };
  if (revocations) return { provide: DeviceBindingRevocations, useClass: revocations };
  // identity's feed, read with this service's own token: needs ServiceAuthModule.forRoot({ calls: true }).
  return {
    provide: DeviceBindingRevocations,
    inject: [InternalHttpClient],
    useFactory: (client: InternalHttpClient) =>
      new RevocationFeedPoller({ client, pollIntervalMs: DEFAULT_REVOCATION_POLL_INTERVAL_MS, maxStalenessMs: DEFAULT_REVOCATION_MAX_STALENESS_MS }),
  };
}
