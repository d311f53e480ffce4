import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ServicePrincipal } from '@kirim/contracts';
import { InternalHttpClient } from './internal-http-client';
import { ServiceAuthGuard, SERVICE_SELF } from './service-auth.guard';
import { RemoteServiceTokenSource, ServiceTokenSource } from './service-token-source';

export interface ServiceAuthModuleOptions {
  /** The service this process is. */
  readonly self: ServicePrincipal;
  /**
   * How this service calls others: its token source and the base URLs of the services it calls.
   * Absent for a service that answers internal operations but calls none.
   */
  readonly calls?: {
    readonly tokens: ServiceTokenSource | { readonly identityUrl: string; readonly clientSecret: string };
    readonly baseUrls: Partial<Record<ServicePrincipal, string>>;
    readonly timeoutMs?: number;
  };
}

/**
 * Service credentials for one service: the guard for its internal endpoints and, when it calls
 * others, the InternalHttpClient with its own token source. Needs AuthModule (JWT_KEY_RESOLVER).
 */
@Module({})
export class ServiceAuthModule {
  static forRoot(options: ServiceAuthModuleOptions): DynamicModule {
    const providers: Provider[] = [{ provide: SERVICE_SELF, useValue: options.self }, ServiceAuthGuard];
    const exports: (symbol | typeof ServiceAuthGuard | typeof InternalHttpClient | typeof ServiceTokenSource)[] = [SERVICE_SELF, ServiceAuthGuard];
    const calls = options.calls;
    if (calls) {
      const tokens =
        calls.tokens instanceof ServiceTokenSource
          ? calls.tokens
          : new RemoteServiceTokenSource({ identityUrl: calls.tokens.identityUrl, clientId: options.self, clientSecret: calls.tokens.clientSecret });
      providers.push(
        { provide: ServiceTokenSource, useValue: tokens },
        { provide: InternalHttpClient, useValue: new InternalHttpClient({ baseUrls: calls.baseUrls, tokens, timeoutMs: calls.timeoutMs }) },
      );
      exports.push(ServiceTokenSource, InternalHttpClient);
    }
    return { module: ServiceAuthModule, global: true, providers, exports };
  }
}
