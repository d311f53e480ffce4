import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ALL_SERVICE_PRINCIPALS, PROBLEM_CODES, SERVICE_TOKEN_PATH, ServicePrincipal, ServiceTokenRequest, ServiceTokenResponse } from '@kirim/contracts';
import { ApiProblems, ApiPublic, GENERIC_PROBLEMS, ProblemException } from '@kirim/platform';
import { IssueServiceToken } from './issue-service-token/issue-service-token.use-case';

/** The contract's request with its OpenAPI description; validation comes from the contract class. */
class ServiceTokenRequestBody extends ServiceTokenRequest {
  @ApiProperty({ enum: ALL_SERVICE_PRINCIPALS, description: 'The calling service.' })
  declare clientId: ServicePrincipal;

  @ApiProperty({ minLength: 32, maxLength: 128, description: "The calling service's secret (32 random bytes, base64url)." })
  declare clientSecret: string;

  @ApiProperty({ enum: ALL_SERVICE_PRINCIPALS, description: 'The one service the token is for.' })
  declare audience: ServicePrincipal;
}

class ServiceTokenResponseBody extends ServiceTokenResponse {
  @ApiProperty({ description: 'ES256 JWT; sub and client_id name the caller, aud the callee.' })
  declare accessToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  declare tokenType: 'Bearer';

  @ApiProperty({ example: 300 })
  declare expiresIn: number;
}

/** Internal: on identity's own port, never routed by the edge. */
@ApiTags('service-credentials')
@Controller()
export class ServiceTokensController {
  constructor(private readonly issueServiceToken: IssueServiceToken) {}

  @Post(SERVICE_TOKEN_PATH.replace(/^\//, ''))
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange a service\'s own credentials for a short-lived token to call one other service (client credentials grant).' })
  @ApiOkResponse({ type: ServiceTokenResponseBody })
  // No bearer token: the client authenticates with the secret in the body (client credentials grant).
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.FORBIDDEN, ...GENERIC_PROBLEMS.body)
  async issue(@Body() body: ServiceTokenRequestBody): Promise<ServiceTokenResponseBody> {
    const outcome = await this.issueServiceToken.execute(body);
    if (!outcome.ok) {
      throw outcome.reason === 'invalid-client'
        ? new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'Unknown client or wrong secret.')
        : new ProblemException(HttpStatus.FORBIDDEN, PROBLEM_CODES.FORBIDDEN, `${body.clientId} calls nothing on ${body.audience}.`);
    }
    return { accessToken: outcome.token.accessToken, tokenType: 'Bearer', expiresIn: outcome.token.expiresIn };
  }
}
