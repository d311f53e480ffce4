import { Module } from '@nestjs/common';
import { Clock, IdGenerator } from '@kirim/platform';
import { IdentityConfig } from '../identity.config';
import { JwksController } from './jwks.controller';
import { loadSigningKey, PUBLISHED_KEYS, publishedKeys, SIGNING_KEY, SigningKey } from './signing-key';
import { TokenIssuer } from './token-issuer';

@Module({
  controllers: [JwksController],
  providers: [
    {
      provide: SIGNING_KEY,
      useFactory: (config: IdentityConfig): SigningKey => loadSigningKey(config.IDENTITY_SIGNING_KEY, config.IDENTITY_SIGNING_KEY_ID),
      inject: [IdentityConfig],
    },
    { provide: PUBLISHED_KEYS, useFactory: publishedKeys, inject: [IdentityConfig] },
    {
      provide: TokenIssuer,
      useFactory: (signingKey: SigningKey, config: IdentityConfig, clock: Clock, ids: IdGenerator) =>
        new TokenIssuer({ signingKey, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS, clock, ids }),
      inject: [SIGNING_KEY, IdentityConfig, Clock, IdGenerator],
    },
  ],
  exports: [TokenIssuer, SIGNING_KEY],
})
export class TokensModule {}
