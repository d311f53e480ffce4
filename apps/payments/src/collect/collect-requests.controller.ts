import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { SagaAdmissionGuard } from '../admission/saga-admission.guard';
import { problemOf } from '../merchant/merchant-problem.exception';
import { answerStartedPayment, requiredIdempotencyKey, StartedPaymentResponse } from '../payment/payment-http';
import { ADMISSION_PROBLEMS } from '../payment/payment-problems';
import { PaymentInitiatedResponse } from '../payment/payments.dto';
import { ApproveCollectRequestUseCase } from './approve-collect-request/approve-collect-request.use-case';
import { collectProblemCodes } from './collect-problems';
import {
  ApproveCollectRequestBody,
  CollectRequestResponse,
  CreateCollectRequestBody,
  DeclinedCollectRequestResponse,
  PendingCollectRequestsPageResponse,
  PendingCollectRequestsQuery,
  toCollectRequestResponse,
  toCustomerCollectRequestResponse,
  toDeclinedResponse,
} from './collect-requests.dto';
import { CreateCollectRequestUseCase } from './create-collect-request/create-collect-request.use-case';
import { DeclineCollectRequestUseCase } from './decline-collect-request/decline-collect-request.use-case';
import { GetCollectRequestUseCase } from './get-collect-request/get-collect-request.use-case';
import { ListPendingCollectRequestsUseCase } from './list-pending-collect-requests/list-pending-collect-requests.use-case';
import { CurrentRequester, MerchantOrUserEndpoint, Requester } from './merchant-key-or-user.guard';

const collectRequestIdParam = new ParseUUIDPipe({
  exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'collectRequestId must be a UUID.'),
});

/**
 * Collect requests (docs/merchants.md, "Collect requests"): a merchant's systems ask a customer to
 * pay and follow the answer with the merchant's API key; the customer lists what they are asked,
 * approves with the UPI PIN or declines, with their own token. A user may ask another user, with
 * their token, only where the scheme profile turns P2P collect on (UPI: off since October 2025).
 */
@ApiTags('merchants')
@Controller('collect-requests')
export class CollectRequestsController {
  constructor(
    private readonly createRequest: CreateCollectRequestUseCase,
    private readonly getRequest: GetCollectRequestUseCase,
    private readonly listPending: ListPendingCollectRequestsUseCase,
    private readonly approveRequest: ApproveCollectRequestUseCase,
    private readonly declineRequest: DeclineCollectRequestUseCase,
  ) {}

  @Post()
  @MerchantOrUserEndpoint()
  @ApiOperation({
    summary: 'Ask a customer to pay (merchant API key; a user token where the scheme profile turns P2P collect on)',
    description:
      'The customer, by phone number or kirim address, must have a linked bank account (404/422 payee-not-found otherwise). 201 with the new request; the same reference and body answer 200 with the same request; ' +
      "the same reference with another customer, amount, note, expiry or payTo 409. A merchant's amount must fit the per-payment cap of its category (422 amount-out-of-range, Z8). " +
      "Looking the customer up is paid from the merchant owner's anti-scan bucket (429 with Retry-After when it is empty). " +
      'With a user token: 403 p2p-collect-disabled while the scheme profile turns person-to-person collect requests off (UPI: NPCI stopped them in October 2025). Where it turns them on, ' +
      "the user names payTo.address, one of their own custom kirim addresses with a linked account behind it (422 pay-to-address-not-usable otherwise); the amount must fit the profile's cap " +
      'for requests between people (422 amount-out-of-range); asking oneself is 422 self-payment.',
  })
  @ApiCreatedResponse({ type: CollectRequestResponse })
  @ApiOkResponse({ type: CollectRequestResponse, description: 'A repeat of an earlier request with the same reference' })
  @ApiProblems(
    ...collectProblemCodes('reference-reused', 'amount-out-of-range', 'merchant-unavailable', 'p2p-disabled', 'pay-to-not-usable', 'self-request', 'dependency-unavailable'),
    PROBLEM_CODES.PAYEE_NOT_FOUND,
    PROBLEM_CODES.RATE_LIMITED,
    ...GENERIC_PROBLEMS.body,
    ...GENERIC_PROBLEMS.bearer,
  )
  async create(@CurrentRequester() requester: Requester, @Body() body: CreateCollectRequestBody, @Res({ passthrough: true }) response: StartedPaymentResponse): Promise<CollectRequestResponse> {
    const outcome = await this.createRequest.execute({
      requester: requester.kind === 'merchant' ? { kind: 'merchant', merchant: requester.merchant } : { kind: 'user', userId: requester.user.userId },
      reference: body.reference,
      // CreateCollectRequestBody has checked that exactly one of them is given.
      customer: body.customer.phone !== undefined ? { phone: body.customer.phone } : { address: body.customer.address as string },
      ...(body.payTo !== undefined ? { payTo: { address: body.payTo.address } } : {}),
      amount: body.amount,
      note: body.note ?? null,
      expiresInMinutes: body.expiresInMinutes ?? null,
    });
    if (!outcome.ok) throw problemOf(outcome);
    response.status(outcome.created ? HttpStatus.CREATED : HttpStatus.OK);
    response.setHeader('Location', `/v1/collect-requests/${outcome.request.id}`);
    return toCollectRequestResponse({ request: outcome.request, payment: null });
  }

  // Before ':collectRequestId', so that "pending" is not taken for an id.
  @Get('pending')
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({
    summary: "The caller's collect requests waiting for an answer, newest first (the customer's token)",
    description: 'Only requests still pending and not past their expiry. Keyset pagination: pass nextCursor as cursor for the next page.',
  })
  @ApiOkResponse({ type: PendingCollectRequestsPageResponse })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async pending(@CurrentUser() user: AuthenticatedUser, @Query() query: PendingCollectRequestsQuery): Promise<PendingCollectRequestsPageResponse> {
    const page = await this.listPending.execute({ payerUserId: user.userId, cursor: query.cursor ?? null, limit: query.limit !== undefined ? Number(query.limit) : 20 });
    if (!page.ok) throw problemOf(page);
    return { items: page.items.map(toCustomerCollectRequestResponse), ...(page.nextCursor !== null ? { nextCursor: page.nextCursor } : {}) };
  }

  @Get(':collectRequestId')
  @MerchantOrUserEndpoint()
  @ApiOperation({
    summary: "A collect request: the customer's answer and, once approved, its payment (the requester: merchant API key, or the user who asked)",
    description: 'Only the merchant or the person who made the request may read it; anyone else is answered 404.',
  })
  @ApiOkResponse({ type: CollectRequestResponse })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async get(@CurrentRequester() requester: Requester, @Param('collectRequestId', collectRequestIdParam) collectRequestId: string): Promise<CollectRequestResponse> {
    const view = await this.getRequest.execute({
      requester: requester.kind === 'merchant' ? { kind: 'merchant', merchantId: requester.merchant.id } : { kind: 'user', userId: requester.user.userId },
      collectRequestId,
    });
    if (view === null) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'No such collect request.');
    return toCollectRequestResponse(view);
  }

  @Post(':collectRequestId/approve')
  @ApiBearerAuth()
  // Backpressure after the token: while the saga lags, 503 before anything is written.
  @UseGuards(JwtAuthGuard, SagaAdmissionGuard)
  @ApiOperation({
    summary: 'Approve a collect request with the UPI PIN: pay the requester (the customer asked)',
    description:
      'Accepted (202) once the payment is recorded and its debit requested; follow it at GET /v1/payments/{paymentId}. A retry with the same Idempotency-Key answers 200 with the same payment. ' +
      "A merchant's request is paid as an order is: the payer limits apply; the per-payment cap is that of the merchant's category. " +
      "A request between people is an ordinary P2P payment into the requester's pay-to address, with its limits; refused (403 p2p-collect-disabled, 422 amount-out-of-range) if the profile has turned P2P collect off or lowered its cap since, " +
      'and 422 pay-to-address-not-usable if that address no longer leads to the requester. ' +
      'Only the customer asked may approve (404 for anyone else). Declined or already approved: 409; past its expiry: 422 collect-request-expired (U69), nothing moves. ' +
      'One approval is one payment: if it then fails (a wrong PIN, insufficient funds) the requester asks again. ' +
      `While payments lags behind the payments already accepted, or this replica already works on as many as it may: ${ADMISSION_PROBLEMS.summary()}, with Retry-After (seconds); nothing is recorded. A retry of an accepted approval is answered unless the replica is full.`,
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1..64 characters of [A-Za-z0-9_-], unique per payment attempt' })
  @ApiAcceptedResponse({ type: PaymentInitiatedResponse })
  @ApiOkResponse({ type: PaymentInitiatedResponse, description: 'A replay of an earlier approval with the same key' })
  @ApiProblems(
    PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING,
    PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED,
    ...collectProblemCodes('not-found', 'expired', 'not-pending', 'amount-out-of-range', 'merchant-unavailable', 'p2p-disabled', 'pay-to-not-usable', 'dependency-unavailable'),
    PROBLEM_CODES.PAYER_ACCOUNT_MISSING,
    PROBLEM_CODES.SELF_PAYMENT,
    PROBLEM_CODES.DAILY_AMOUNT_LIMIT,
    PROBLEM_CODES.DAILY_COUNT_LIMIT,
    PROBLEM_CODES.NEW_DEVICE_LIMIT,
    PROBLEM_CODES.RATE_LIMITED,
    ...ADMISSION_PROBLEMS.allCodes(),
    ...GENERIC_PROBLEMS.body,
    ...GENERIC_PROBLEMS.bearer,
  )
  async approve(
    @CurrentUser() user: AuthenticatedUser,
    @Param('collectRequestId', collectRequestIdParam) collectRequestId: string,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Body() body: ApproveCollectRequestBody,
    @Res({ passthrough: true }) response: StartedPaymentResponse,
  ): Promise<PaymentInitiatedResponse> {
    const idempotencyKey = requiredIdempotencyKey(idempotencyKeyHeader, 'unique per payment attempt');
    const outcome = await this.approveRequest.execute({
      customerUserId: user.userId,
      // Null for a sandbox-login token (local development only): no cooling period applies.
      deviceBoundAt: user.deviceBoundAt,
      idempotencyKey,
      collectRequestId,
      encryptedPin: body.encryptedPin,
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    });
    if (!outcome.ok) throw problemOf(outcome);
    return answerStartedPayment(response, outcome);
  }

  @Post(':collectRequestId/decline')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({
    summary: 'Decline a collect request: nothing is paid (the customer asked)',
    description: 'Declining again answers the same. Only the customer asked may decline (404 for anyone else); an approved request 409; one past its expiry 422 collect-request-expired (U69).',
  })
  @ApiOkResponse({ type: DeclinedCollectRequestResponse })
  @ApiProblems(...collectProblemCodes('not-found', 'expired', 'not-pending'), ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async decline(@CurrentUser() user: AuthenticatedUser, @Param('collectRequestId', collectRequestIdParam) collectRequestId: string): Promise<DeclinedCollectRequestResponse> {
    const outcome = await this.declineRequest.execute({ customerUserId: user.userId, collectRequestId });
    if (!outcome.ok) throw problemOf(outcome);
    return toDeclinedResponse(outcome.request);
  }
}
