import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException, toProblemException } from '@kirim/platform';
import { MAX_ENABLED_ENDPOINTS_PER_MERCHANT } from '../delivery/merchant-webhook/merchant-webhook-endpoint';
import { DisableMerchantWebhookEndpoint } from './disable-merchant-webhook-endpoint/disable-merchant-webhook-endpoint.use-case';
import { ListMerchantWebhookEndpoints } from './list-merchant-webhook-endpoints/list-merchant-webhook-endpoints.use-case';
import {
  ListWebhookEndpointsQuery,
  RegisterWebhookEndpointBody,
  toWebhookEndpointResponse,
  WebhookEndpointRegisteredResponse,
  WebhookEndpointResponse,
  WebhookEndpointsPageResponse,
  WebhookSecretRotatedResponse,
} from './merchant-webhook-endpoints.dto';
import { merchantWebhookProblemCodes } from './merchant-webhook-problems';
import { RegisterMerchantWebhookEndpoint } from './register-merchant-webhook-endpoint/register-merchant-webhook-endpoint.use-case';
import { RotateMerchantWebhookSecret } from './rotate-merchant-webhook-secret/rotate-merchant-webhook-secret.use-case';

const endpointIdParam = new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'endpointId must be a UUID.') });

/**
 * Merchant webhook endpoints (docs/notifications.md, "Merchant webhooks"), managed by the merchant's
 * owner with their own access token. Anyone else is answered as if the merchant or the endpoint did
 * not exist. A secret is answered only when it is made (registration, rotation).
 */
@ApiTags('merchant-webhooks')
@ApiBearerAuth()
@Controller('merchant-webhook-endpoints')
@UseGuards(JwtAuthGuard)
export class MerchantWebhookEndpointsController {
  constructor(
    private readonly registerEndpoint: RegisterMerchantWebhookEndpoint,
    private readonly listEndpoints: ListMerchantWebhookEndpoints,
    private readonly rotateSecret: RotateMerchantWebhookSecret,
    private readonly disableEndpoint: DisableMerchantWebhookEndpoint,
  ) {}

  @Post()
  @ApiOperation({
    summary: "Register a webhook endpoint for the caller's merchant (its secret shown once)",
    description: `The merchant's order payments and refunds are posted to the URL, signed per Standard Webhooks with the endpoint's own secret, answered here only. At most ${MAX_ENABLED_ENDPOINTS_PER_MERCHANT} endpoints of a merchant are enabled at once.`,
  })
  @ApiCreatedResponse({ type: WebhookEndpointRegisteredResponse })
  @ApiProblems(...merchantWebhookProblemCodes('merchant-not-found', 'url-invalid', 'endpoint-limit'), ...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.bearer)
  async register(@CurrentUser() user: AuthenticatedUser, @Body() body: RegisterWebhookEndpointBody): Promise<WebhookEndpointRegisteredResponse> {
    const outcome = await this.registerEndpoint.execute({ ownerUserId: user.userId, merchantId: body.merchantId, url: body.url });
    if (!outcome.ok) throw toProblemException(outcome);
    return { ...toWebhookEndpointResponse(outcome.endpoint), secret: outcome.endpoint.secret };
  }

  @Get()
  @ApiOperation({ summary: "A merchant's webhook endpoints, disabled ones included (never a secret)" })
  @ApiOkResponse({ type: WebhookEndpointsPageResponse })
  @ApiProblems(...merchantWebhookProblemCodes('merchant-not-found'), ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListWebhookEndpointsQuery): Promise<WebhookEndpointsPageResponse> {
    const outcome = await this.listEndpoints.execute({ ownerUserId: user.userId, merchantId: query.merchantId });
    if (!outcome.ok) throw toProblemException(outcome);
    return { items: outcome.endpoints.map(toWebhookEndpointResponse) };
  }

  @Post(':endpointId/rotate-secret')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Give an endpoint a new signing secret (shown once); the old one signs beside it until previousSecretExpiresAt",
    description: 'Move the verifier to the new secret before previousSecretExpiresAt: until then each delivery carries a signature with each. Rotating again ends the older secret at once. A disabled endpoint is 409.',
  })
  @ApiOkResponse({ type: WebhookSecretRotatedResponse })
  @ApiProblems(...merchantWebhookProblemCodes('endpoint-not-found', 'endpoint-disabled'), ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async rotate(@CurrentUser() user: AuthenticatedUser, @Param('endpointId', endpointIdParam) endpointId: string): Promise<WebhookSecretRotatedResponse> {
    const outcome = await this.rotateSecret.execute({ ownerUserId: user.userId, endpointId });
    if (!outcome.ok) throw toProblemException(outcome);
    const { endpoint } = outcome;
    if (endpoint.previousSecretExpiresAt === null) throw new Error(`rotated endpoint ${endpoint.endpointId} has no overlap end`);
    return { endpointId: endpoint.endpointId, secret: endpoint.secret, previousSecretExpiresAt: endpoint.previousSecretExpiresAt.toISOString() };
  }

  @Post(':endpointId/disable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Disable an endpoint for good',
    description: 'Nothing more is sent to it: its deliveries not yet made end (dead, "endpoint disabled"). Disabling it again answers it unchanged. It no longer counts towards the limit.',
  })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiProblems(...merchantWebhookProblemCodes('endpoint-not-found'), ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async disable(@CurrentUser() user: AuthenticatedUser, @Param('endpointId', endpointIdParam) endpointId: string): Promise<WebhookEndpointResponse> {
    const outcome = await this.disableEndpoint.execute({ ownerUserId: user.userId, endpointId });
    if (!outcome.ok) throw toProblemException(outcome);
    return toWebhookEndpointResponse(outcome.endpoint);
  }
}
