import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PAYMENT_STATUSES, PaymentStatus, PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { CreateMerchantApiKeyUseCase } from './create-merchant-api-key/create-merchant-api-key.use-case';
import { GetMerchantUseCase } from './get-merchant/get-merchant.use-case';
import { GetMerchantOrderUseCase } from './get-merchant-order/get-merchant-order.use-case';
import { ListMerchantApiKeysUseCase } from './list-merchant-api-keys/list-merchant-api-keys.use-case';
import { ListMerchantPaymentsUseCase } from './list-merchant-payments/list-merchant-payments.use-case';
import { Merchant } from './merchant';
import { CurrentMerchant, MerchantEndpoint } from './merchant-api-key.guard';
import { merchantProblemCodes } from './merchant-problems';
import { problemOf } from './merchant-problem.exception';
import {
  MERCHANT_REFERENCE_PATTERN,
  MerchantApiKeyCreatedResponse,
  MerchantApiKeyResponse,
  MerchantOrderResponse,
  MerchantPaymentsPageResponse,
  MerchantPaymentsQuery,
  MerchantResponse,
  OnboardMerchantBody,
  toApiKeyResponse,
  toMerchantResponse,
  toOrderResponse,
  toPaymentEntryResponse,
} from './merchants.dto';
import { OnboardMerchantUseCase } from './onboard-merchant/onboard-merchant.use-case';
import { RevokeMerchantApiKeyUseCase } from './revoke-merchant-api-key/revoke-merchant-api-key.use-case';

const uuidParam = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, `${name} must be a UUID.`) });

/**
 * Merchants (docs/merchants.md): a user onboards their business and manages its API keys with
 * their own token; the merchant's systems read its history and find orders by their reference with
 * an API key.
 */
@ApiTags('merchants')
@Controller('merchants')
export class MerchantsController {
  constructor(
    private readonly onboardMerchant: OnboardMerchantUseCase,
    private readonly getMerchant: GetMerchantUseCase,
    private readonly createApiKey: CreateMerchantApiKeyUseCase,
    private readonly listApiKeys: ListMerchantApiKeysUseCase,
    private readonly revokeApiKey: RevokeMerchantApiKeyUseCase,
    private readonly listPayments: ListMerchantPaymentsUseCase,
    private readonly getOrder: GetMerchantOrderUseCase,
  ) {}

  @Post()
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({
    summary: 'Make the caller a merchant',
    description:
      "A user with a linked bank account onboards their business: a display name, a merchant category code the scheme profile lists, a handle for its address (handle@kirim) and one of the user's own kirim addresses as the settlement address.",
  })
  @ApiCreatedResponse({ type: MerchantResponse })
  @ApiProblems(
    ...merchantProblemCodes('already-onboarded', 'category-unknown', 'handle-invalid', 'handle-reserved', 'handle-taken', 'handle-confusable', 'settlement-address-not-owned'),
    PROBLEM_CODES.RATE_LIMITED,
    ...GENERIC_PROBLEMS.body,
    ...GENERIC_PROBLEMS.bearer,
  )
  async onboard(@CurrentUser() user: AuthenticatedUser, @Body() body: OnboardMerchantBody): Promise<MerchantResponse> {
    const outcome = await this.onboardMerchant.execute({
      ownerUserId: user.userId,
      displayName: body.displayName,
      categoryCode: body.categoryCode,
      handle: body.handle,
      settlementAddress: body.settlementAddress,
    });
    if (!outcome.ok) throw problemOf(outcome);
    return toMerchantResponse(outcome.merchant);
  }

  @Get(':merchantId')
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: 'A merchant, as its owner sees it (anyone else: 404)' })
  @ApiOkResponse({ type: MerchantResponse })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async get(@CurrentUser() user: AuthenticatedUser, @Param('merchantId', uuidParam('merchantId')) merchantId: string): Promise<MerchantResponse> {
    const merchant = await this.getMerchant.execute({ ownerUserId: user.userId, merchantId });
    if (merchant === null) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'No such merchant.');
    return toMerchantResponse(merchant);
  }

  @Post(':merchantId/api-keys')
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({
    summary: 'Make a merchant API key (shown once)',
    description: 'At most two keys are active: make the next key, move to it, then revoke the old one. The key is in this answer only; payments keeps its SHA-256.',
  })
  @ApiCreatedResponse({ type: MerchantApiKeyCreatedResponse })
  @ApiProblems(...merchantProblemCodes('not-found', 'api-key-limit'), ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async createKey(@CurrentUser() user: AuthenticatedUser, @Param('merchantId', uuidParam('merchantId')) merchantId: string): Promise<MerchantApiKeyCreatedResponse> {
    const outcome = await this.createApiKey.execute({ ownerUserId: user.userId, merchantId });
    if (!outcome.ok) throw problemOf(outcome);
    return { ...toApiKeyResponse(outcome.record), apiKey: outcome.apiKey };
  }

  @Get(':merchantId/api-keys')
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: "A merchant's API keys, revoked ones included (never a key itself)" })
  @ApiOkResponse({ type: [MerchantApiKeyResponse] })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async keys(@CurrentUser() user: AuthenticatedUser, @Param('merchantId', uuidParam('merchantId')) merchantId: string): Promise<MerchantApiKeyResponse[]> {
    const outcome = await this.listApiKeys.execute({ ownerUserId: user.userId, merchantId });
    if (!outcome.ok) throw problemOf(outcome);
    return outcome.keys.map(toApiKeyResponse);
  }

  @Delete(':merchantId/api-keys/:keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: 'Revoke a merchant API key: the next request with it is refused' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async revokeKey(
    @CurrentUser() user: AuthenticatedUser,
    @Param('merchantId', uuidParam('merchantId')) merchantId: string,
    @Param('keyId', uuidParam('keyId')) keyId: string,
  ): Promise<void> {
    const outcome = await this.revokeApiKey.execute({ ownerUserId: user.userId, merchantId, keyId });
    if (!outcome.ok) throw problemOf(outcome);
  }

  @Get(':merchantId/orders/:reference')
  @MerchantEndpoint()
  @ApiOperation({ summary: "An order by the merchant's own reference (merchant API key)" })
  @ApiOkResponse({ type: MerchantOrderResponse })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, PROBLEM_CODES.UNAUTHENTICATED, ...GENERIC_PROBLEMS.input)
  async orderByReference(
    @CurrentMerchant() merchant: Merchant,
    @Param('merchantId', uuidParam('merchantId')) merchantId: string,
    @Param('reference') reference: string,
  ): Promise<MerchantOrderResponse> {
    if (!MERCHANT_REFERENCE_PATTERN.test(reference)) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'reference must be 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-".');
    }
    // A key reads its own merchant's orders only; another merchant's are as unknown as none.
    const view = merchantId === merchant.id ? await this.getOrder.execute({ merchantId: merchant.id, reference }) : null;
    if (view === null) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'No such order.');
    return toOrderResponse(view);
  }

  @Get(':merchantId/payments')
  @MerchantEndpoint()
  @ApiOperation({
    summary: "A merchant's order payments and refunds, newest first (merchant API key)",
    description: 'Keyset pagination: pass nextCursor as cursor for the next page. Filters: status (comma-separated), kind (order or refund), from (inclusive) and to (exclusive).',
  })
  @ApiOkResponse({ type: MerchantPaymentsPageResponse })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, PROBLEM_CODES.UNAUTHENTICATED, ...GENERIC_PROBLEMS.input)
  async payments(
    @CurrentMerchant() merchant: Merchant,
    @Param('merchantId', uuidParam('merchantId')) merchantId: string,
    @Query() query: MerchantPaymentsQuery,
  ): Promise<MerchantPaymentsPageResponse> {
    // A key reads its own merchant's history only; another merchant's is as unknown as none.
    if (merchantId !== merchant.id) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'No such merchant.');
    const outcome = await this.listPayments.execute({
      merchantId: merchant.id,
      cursor: query.cursor ?? null,
      limit: query.limit !== undefined ? Number(query.limit) : 20,
      statuses: query.status !== undefined ? query.status.split(',').map(asStatus) : null,
      kind: query.kind === 'order' || query.kind === 'refund' ? query.kind : null,
      from: query.from !== undefined ? new Date(query.from) : null,
      to: query.to !== undefined ? new Date(query.to) : null,
    });
    if (!outcome.ok) throw problemOf(outcome);
    return { items: outcome.items.map(toPaymentEntryResponse), ...(outcome.nextCursor !== null ? { nextCursor: outcome.nextCursor } : {}) };
  }
}

/** The query's pattern lets only known statuses through. */
function asStatus(value: string): PaymentStatus {
  const found = PAYMENT_STATUSES.find((status) => status === value);
  if (!found) throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, `Unknown status ${value}.`);
  return found;
}
