import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPublic, GENERIC_PROBLEMS } from '@kirim/platform';
import { JsonWebKeySet, publishJwks } from './jwks';
import { PUBLISHED_KEYS, type PublishedKey } from './signing-key';

/** Public and unversioned (`/.well-known/jwks.json`, RFC 8615): every service verifies tokens with it. */
@ApiTags('tokens')
@Controller('.well-known')
export class JwksController {
  private readonly jwks: JsonWebKeySet;

  constructor(@Inject(PUBLISHED_KEYS) keys: PublishedKey[]) {
    this.jwks = publishJwks(keys);
  }

  @Get('jwks.json')
  // Verifiers cache keys; five minutes bounds how long a newly published key takes to be seen.
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify identity-issued access tokens (ES256).' })
  @ApiOkResponse({ description: 'A JSON Web Key Set.' })
  @ApiPublic()
  @ApiProblems(...GENERIC_PROBLEMS.input)
  getJwks(): JsonWebKeySet {
    return this.jwks;
  }
}
