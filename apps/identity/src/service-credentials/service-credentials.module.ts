import { Global, Module } from '@nestjs/common';
import { Clock, IdGenerator, InternalHttpClient } from '@kirim/platform';
import { IdentityConfig } from '../identity.config';
import { SIGNING_KEY, SigningKey } from '../tokens/signing-key';
import { TokensModule } from '../tokens/tokens.module';
import { IssueServiceToken } from './issue-service-token/issue-service-token.use-case';
import { JwtServiceTokenMinter } from './jwt-service-token-minter';
import { LocalServiceTokenSource } from './local-service-token-source';
import { ConfiguredServiceClients, parseServiceClientDigests, ServiceClients } from './service-clients';
import { ServiceTokenMinter } from './service-token-minter';
import { ServiceTokensController } from './service-tokens.controller';

/**
 * Service credentials (docs/service-credentials.md): identity issues every service its tokens for
 * calling another, and calls bank-connector with tokens it mints for itself. Global, as the other
 * services' ServiceAuthModule is: every feature that asks another service uses the one client.
 */
@Global()
@Module({
  imports: [TokensModule],
  controllers: [ServiceTokensController],
  providers: [
    {
      provide: ServiceClients,
      inject: [IdentityConfig],
      useFactory: (config: IdentityConfig): ServiceClients => {
        const parsed = parseServiceClientDigests(config.SERVICE_CLIENT_DIGESTS);
        // Config validation already refused a bad value; this only narrows the type.
        if (!parsed.ok) throw new Error(`SERVICE_CLIENT_DIGESTS ${parsed.reason}`);
        return new ConfiguredServiceClients(parsed.digests);
      },
    },
    {
      provide: ServiceTokenMinter,
      inject: [SIGNING_KEY, Clock, IdGenerator],
      useFactory: (key: SigningKey, clock: Clock, ids: IdGenerator) => new JwtServiceTokenMinter(() => key, clock, ids),
    },
    IssueServiceToken,
    {
      provide: InternalHttpClient,
      inject: [ServiceTokenMinter, Clock, IdentityConfig],
      useFactory: (minter: ServiceTokenMinter, clock: Clock, config: IdentityConfig) =>
        new InternalHttpClient({ baseUrls: { 'bank-connector': config.BANK_CONNECTOR_URL }, tokens: new LocalServiceTokenSource(minter, clock) }),
    },
  ],
  exports: [ServiceTokenMinter, InternalHttpClient],
})
export class ServiceCredentialsModule {}
