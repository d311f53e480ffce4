import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ServicePrincipal } from '@kirim/contracts';
import { InternalHttpClient } from './internal-http-client';
import { jwtKeyResolverFromEnv, JwtKeyResolver } from '../auth/jwks';
import { loadConfig } from '../config/load-config';
import { ServiceCallsConfig } from './service-calls.config';
import { ServiceAuthGuard, SERVICE_SELF, SERVICE_TOKEN_KEY_RESOLVER } from './service-auth.guard';
import { RemoteServiceTokenSource, ServiceTokenSource } from './service-token-source';

export interface ServiceAuthModuleOptions {
  /** The service this process is. */
  readonly self: ServicePrincipal;
  /** Key source for service tokens; defaults to identity's remote JWKS (IDENTITY_JWKS_URL). identity passes its own keys. */
  readonly keyResolver?: JwtKeyResolver;
  /**
   * This service calls others: provide InternalHttpClient with its own credentials, read from the
   * environment (ServiceCallsConfig: SERVICE_CLIENT_SECRET, IDENTITY_URL, BANK_CONNECTOR_URL) when
   * the module is created, so a missing secret stops the service at boot with its name.
   */
  readonly calls?: boolean;
  /** The environment to read; process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Service credentials for one service: the guard for its internal endpoints and, when it calls
 * others, the InternalHttpClient with its own token source. identity, the issuer, provides its own
 * InternalHttpClient (it mints its tokens in-process).
 */
@Module({})
export class ServiceAuthModule {
  static forRoot(options: ServiceAuthModuleOptions): DynamicModule {
    const keyResolver: Provider = options.keyResolver
      ? { provide: SERVICE_TOKEN_KEY_RESOLVER, useValue: options.keyResolver }
      : { provide: SERVICE_TOKEN_KEY_RESOLVER, useFactory: () => jwtKeyResolverFromEnv(options.env) };
    const providers: Provider[] = [{ provide: SERVICE_SELF, useValue: options.self }, keyResolver, ServiceAuthGuard];
    const exports: (symbol | typeof ServiceAuthGuard | typeof InternalHttpClient | typeof ServiceTokenSource)[] = [SERVICE_SELF, SERVICE_TOKEN_KEY_RESOLVER, ServiceAuthGuard];
    if (options.calls) {
      providers.push(
        // Read and validated once at boot; both providers below use it.
        { provide: ServiceCallsConfig, useFactory: () => loadConfig(ServiceCallsConfig, options.env) },
        {
          provide: ServiceTokenSource,
          inject: [ServiceCallsConfig],
          useFactory: (config: ServiceCallsConfig) =>
            new RemoteServiceTokenSource({ identityUrl: config.IDENTITY_URL, clientId: options.self, clientSecret: config.SERVICE_CLIENT_SECRET }),
        },
        {
          provide: InternalHttpClient,
          inject: [ServiceTokenSource, ServiceCallsConfig],
          useFactory: (tokens: ServiceTokenSource, config: ServiceCallsConfig) => {
            const baseUrls = { identity: config.IDENTITY_URL, ...(config.BANK_CONNECTOR_URL ? { 'bank-connector': config.BANK_CONNECTOR_URL } : {}) };
            return new InternalHttpClient({ baseUrls, tokens });
          },
        },
      );
      exports.push(ServiceTokenSource, InternalHttpClient);
    }
    return { module: ServiceAuthModule, global: true, providers, exports };
  }
}
