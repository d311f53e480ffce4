import { readFileSync } from 'node:fs';
import { Controller, Get, Header, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JSONWebKeySetLike, JsonWebKey, PROBLEM_CODES } from '@kirim/contracts';
import { MessageTrustConfig } from '@kirim/messaging';
import { ApiProblems, ApiPublic, GENERIC_PROBLEMS, ProblemException } from '@kirim/platform';

/** The members of a public JWK worth publishing; anything else in the file (a private `d`, notes) stays home. */
const PUBLIC_JWK_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'] as const;

export const PLATFORM_SIGNING_KEYS_PATH = 'message-signing-keys.json';

/**
 * kirim's platform JWKS, published for partner banks (RFC 8615 well-known path, unversioned): a
 * bank verifies kirim's requests with the `use: "sig"` keys whose kid names `bank-connector`, and
 * encrypts holder names for the last `use: "enc"` key whose kid names `bank-connector`. One JWKS
 * for both, as a bank's own jwks.json holds both: the path keeps its name, so banks that fetch it
 * already need no new address. During a rotation both keys of a kind are listed.
 */
@ApiTags('partner banks')
@Controller('.well-known')
export class PlatformSigningKeysController {
  private readonly jwks: JSONWebKeySetLike | null;

  constructor(config: MessageTrustConfig) {
    this.jwks = config.MESSAGE_TRUSTED_KEYS_FILE ? publicKeysOf(JSON.parse(readFileSync(config.MESSAGE_TRUSTED_KEYS_FILE, 'utf8')) as JSONWebKeySetLike) : null;
  }

  @Get(PLATFORM_SIGNING_KEYS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: "kirim's platform JWKS: public keys that verify its signed Kafka records (EdDSA, use sig) and the key partner banks encrypt holder names for (ECDH-ES, use enc)." })
  @ApiOkResponse({ description: 'A JSON Web Key Set.' })
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input)
  getKeys(): JSONWebKeySetLike {
    if (!this.jwks) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'This deployment publishes no record signing keys.');
    return this.jwks;
  }
}

function publicKeysOf(jwks: JSONWebKeySetLike): JSONWebKeySetLike {
  return {
    keys: (jwks.keys ?? []).map((jwk) => {
      const published: Record<string, unknown> = {};
      for (const member of PUBLIC_JWK_MEMBERS) {
        if (jwk[member] !== undefined) published[member] = jwk[member];
      }
      return published as unknown as JsonWebKey;
    }),
  };
}
