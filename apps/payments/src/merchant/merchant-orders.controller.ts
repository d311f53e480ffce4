import { Body, Controller, Get, Headers, HttpStatus, Param, ParseUUIDPipe, Post, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { SagaAdmissionGuard } from '../admission/saga-admission.guard';
import { answerStartedPayment, requiredIdempotencyKey, StartedPaymentResponse } from '../payment/payment-http';
import { ADMISSION_PROBLEMS } from '../payment/payment-problems';
import { PaymentInitiatedResponse } from '../payment/payments.dto';
import { CreateMerchantOrderUseCase } from './create-merchant-order/create-merchant-order.use-case';
import { GetMerchantOrderUseCase } from './get-merchant-order/get-merchant-order.use-case';
import { GetMerchantRefundUseCase } from './get-merchant-refund/get-merchant-refund.use-case';
import { Merchant } from './merchant';
import { CurrentMerchant, MerchantEndpoint } from './merchant-api-key.guard';
import { problemOf } from './merchant-problem.exception';
import { merchantProblemCodes } from './merchant-problems';
import {
  CreateMerchantOrderBody,
  MerchantOrderResponse,
  MerchantRefundResponse,
  PayMerchantOrderBody,
  RefundMerchantOrderBody,
  toOrderResponse,
  toRefundResponse,
} from './merchants.dto';
import { PayMerchantOrderUseCase } from './pay-merchant-order/pay-merchant-order.use-case';
import { RefundMerchantOrderUseCase } from './refund-merchant-order/refund-merchant-order.use-case';

const uuidParam = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, `${name} must be a UUID.`) });

const notFound = (what: string): ProblemException => new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, `No such ${what}.`);

/**
 * Merchant orders (docs/merchants.md): the merchant's systems make and read them and refund them
 * with the merchant's API key; a customer pays one in the chat with their own token and UPI PIN.
 */
@ApiTags('merchants')
@Controller('merchant-orders')
export class MerchantOrdersController {
  constructor(
    private readonly createOrder: CreateMerchantOrderUseCase,
    private readonly getOrder: GetMerchantOrderUseCase,
    private readonly payOrder: PayMerchantOrderUseCase,
    private readonly refundOrder: RefundMerchantOrderUseCase,
    private readonly getRefund: GetMerchantRefundUseCase,
  ) {}

  @Post()
  @MerchantEndpoint()
  @ApiOperation({
    summary: 'Make a payment request for a customer (merchant API key)',
    description:
      "201 with the new order; the same reference and body again answer 200 with the same order; the same reference with another body 409. The amount must fit the per-payment cap of the merchant's category (422 amount-out-of-range, Z8).",
  })
  @ApiCreatedResponse({ type: MerchantOrderResponse })
  @ApiOkResponse({ type: MerchantOrderResponse, description: 'A repeat of an earlier request with the same reference' })
  @ApiProblems(...merchantProblemCodes('order-reference-reused', 'amount-out-of-range', 'merchant-unavailable'), PROBLEM_CODES.UNAUTHENTICATED, ...GENERIC_PROBLEMS.body)
  async create(@CurrentMerchant() merchant: Merchant, @Body() body: CreateMerchantOrderBody, @Res({ passthrough: true }) response: StartedPaymentResponse): Promise<MerchantOrderResponse> {
    const outcome = await this.createOrder.execute({
      merchant,
      reference: body.reference,
      amount: body.amount,
      note: body.note ?? null,
      expiresInMinutes: body.expiresInMinutes ?? null,
    });
    if (!outcome.ok) throw problemOf(outcome);
    const view = await this.getOrder.execute({ merchantId: merchant.id, orderId: outcome.order.id });
    if (view === null) throw new Error('an order just stored cannot be read');
    response.status(outcome.created ? HttpStatus.CREATED : HttpStatus.OK);
    response.setHeader('Location', `/v1/merchant-orders/${outcome.order.id}`);
    return toOrderResponse(view);
  }

  @Get(':orderId')
  @MerchantEndpoint()
  @ApiOperation({ summary: 'An order: its status, its payment, what was paid and refunded (merchant API key)' })
  @ApiOkResponse({ type: MerchantOrderResponse })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, PROBLEM_CODES.UNAUTHENTICATED, ...GENERIC_PROBLEMS.input)
  async get(@CurrentMerchant() merchant: Merchant, @Param('orderId', uuidParam('orderId')) orderId: string): Promise<MerchantOrderResponse> {
    const view = await this.getOrder.execute({ merchantId: merchant.id, orderId });
    if (view === null) throw notFound('order');
    return toOrderResponse(view);
  }

  @Post(':orderId/payment')
  @ApiBearerAuth()
  // Backpressure after the token: while the saga lags, 503 before anything is written.
  @UseGuards(JwtAuthGuard, SagaAdmissionGuard)
  @ApiOperation({
    summary: "Pay a merchant's order with the UPI PIN (the customer's token)",
    description:
      'Accepted (202) once the payment is recorded and its debit requested; follow it at GET /v1/payments/{paymentId}. A retry with the same Idempotency-Key answers 200 with the same payment. ' +
      'The payer limits apply as to any payment; the per-payment cap is that of the merchant\'s category. ' +
      `While payments lags behind the payments already accepted, or this replica already works on as many as it may: ${ADMISSION_PROBLEMS.summary()}, with Retry-After (seconds); nothing is recorded. A retry of an accepted payment is answered unless the replica is full.`,
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1..64 characters of [A-Za-z0-9_-], unique per payment attempt' })
  @ApiAcceptedResponse({ type: PaymentInitiatedResponse })
  @ApiOkResponse({ type: PaymentInitiatedResponse, description: 'A replay of an earlier request with the same key' })
  @ApiProblems(
    PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING,
    PROBLEM_CODES.NOT_FOUND,
    ...merchantProblemCodes('order-expired', 'order-already-paid', 'amount-out-of-range', 'merchant-unavailable', 'idempotency-key-reused', 'dependency-unavailable'),
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
  async pay(
    @CurrentUser() user: AuthenticatedUser,
    @Param('orderId', uuidParam('orderId')) orderId: string,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Body() body: PayMerchantOrderBody,
    @Res({ passthrough: true }) response: StartedPaymentResponse,
  ): Promise<PaymentInitiatedResponse> {
    const idempotencyKey = requiredIdempotencyKey(idempotencyKeyHeader, 'unique per payment attempt');
    const outcome = await this.payOrder.execute({
      customerUserId: user.userId,
      deviceBoundAt: user.deviceBoundAt,
      idempotencyKey,
      orderId,
      encryptedPin: body.encryptedPin,
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    });
    if (!outcome.ok) throw problemOf(outcome);
    return answerStartedPayment(response, outcome);
  }

  @Post(':orderId/refunds')
  @MerchantEndpoint()
  @ApiOperation({
    summary: 'Refund a paid order, all of it or part (merchant API key)',
    description:
      "Accepted (202): the refund is a payment of its own from the merchant's settlement account back to the customer's; follow it at GET /v1/merchant-orders/{orderId}/refunds/{refundId}. " +
      'The Idempotency-Key is the merchant\'s refund reference: the same reference and body answer 200 with the same refund; another body 422. Refunds (all but failed ones) never add up to more than was paid (422 refund-exceeds-paid).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: "The merchant's reference for this refund: 1..64 characters of [A-Za-z0-9_-], unique per merchant" })
  @ApiAcceptedResponse({ type: MerchantRefundResponse })
  @ApiOkResponse({ type: MerchantRefundResponse, description: 'A replay of an earlier refund with the same reference' })
  @ApiProblems(
    PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING,
    ...merchantProblemCodes('not-found', 'order-not-paid', 'refund-exceeds-paid', 'idempotency-key-reused', 'amount-out-of-range'),
    PROBLEM_CODES.UNAUTHENTICATED,
    ...GENERIC_PROBLEMS.body,
  )
  async refund(
    @CurrentMerchant() merchant: Merchant,
    @Param('orderId', uuidParam('orderId')) orderId: string,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Body() body: RefundMerchantOrderBody,
    @Res({ passthrough: true }) response: StartedPaymentResponse,
  ): Promise<MerchantRefundResponse> {
    const reference = requiredIdempotencyKey(idempotencyKeyHeader, "the merchant's refund reference");
    const outcome = await this.refundOrder.execute({
      merchant,
      orderId,
      reference,
      amount: body.amount,
      note: body.note ?? null,
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    });
    if (!outcome.ok) throw problemOf(outcome);
    response.status(outcome.replayed ? HttpStatus.OK : HttpStatus.ACCEPTED);
    response.setHeader('Location', `/v1/merchant-orders/${orderId}/refunds/${outcome.refund.paymentId}`);
    return toRefundResponse({ refund: outcome.refund, payment: outcome.payment });
  }

  @Get(':orderId/refunds/:refundId')
  @MerchantEndpoint()
  @ApiOperation({ summary: 'A refund of an order and where its payment is (merchant API key)' })
  @ApiOkResponse({ type: MerchantRefundResponse })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, PROBLEM_CODES.UNAUTHENTICATED, ...GENERIC_PROBLEMS.input)
  async refundStatus(
    @CurrentMerchant() merchant: Merchant,
    @Param('orderId', uuidParam('orderId')) orderId: string,
    @Param('refundId', uuidParam('refundId')) refundId: string,
  ): Promise<MerchantRefundResponse> {
    const view = await this.getRefund.execute({ merchantId: merchant.id, orderId, refundId });
    if (view === null) throw notFound('refund');
    return toRefundResponse(view);
  }
}
