import { Module } from '@nestjs/common';
import { IdentityConfig } from '../identity.config';
import { JwksController } from './jwks.controller';
import { loadSigningKey, SIGNING_KEY, SigningKey } from './signing-key';
import { TokenIssuer } from './token-issuer';

@Module({
  controllers: [JwksController],
  providers: [
    {
      provide: SIGNING_KEY,
      useFactory: (config: IdentityConfig): SigningKey => loadSigningKey(config.IDENTITY_SIGNING_KEY, config.IDENTITY_SIGNING_KEY_ID),
      inject: [IdentityConfig],
    },
    {
      provide: TokenIssuer,
      useFactory: (signingKey: SigningKey, config: IdentityConfig) => new TokenIssuer({ signingKey, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }),
      inject: [SIGNING_KEY, IdentityConfig],
    },
  ],
  exports: [TokenIssuer],
})
export class TokensModule {}
