import { Body, Controller, Get, Headers, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, toProblemException } from '@kirim/platform';
import { SagaAdmissionGuard } from '../admission/saga-admission.guard';
import { GetPaymentUseCase } from './get-payment/get-payment.use-case';
import { InitiatePaymentUseCase } from './initiate-payment/initiate-payment.use-case';
import { ListMyPaymentsUseCase } from './list-my-payments/list-my-payments.use-case';
import { MyPaymentsPageResponse, MyPaymentsQuery, toMyPaymentItemResponse } from './list-my-payments/my-payments.dto';
import { ADMISSION_PROBLEMS, INITIATE_PAYMENT_PROBLEMS, PAYMENT_PROBLEMS } from './payment-problems';
import { answerStartedPayment, requiredIdempotencyKey, StartedPaymentResponse } from './payment-http';
import { InitiatePaymentBody, PaymentInitiatedResponse, PaymentResponse, toPaymentResponse } from './payments.dto';


@ApiTags('payments')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('payments')
export class PaymentsController {
  constructor(
    private readonly initiatePayment: InitiatePaymentUseCase,
    private readonly getPayment: GetPaymentUseCase,
    private readonly listMyPayments: ListMyPaymentsUseCase,
  ) {}

  @Post()
  // After the class's JwtAuthGuard: while the saga lags, 503 before anything is written.
  @UseGuards(SagaAdmissionGuard)
  @ApiOperation({
    summary: 'Pay a contact by phone number or payment address',
    description:
      'Accepted (202) once the payment is recorded and its debit requested; poll GET /v1/payments/{id} or wait for the receipt. ' +
      'A retry with the same Idempotency-Key and body answers 200 with the same payment. ' +
      `Problems, with their UPI result codes: ${INITIATE_PAYMENT_PROBLEMS.summary()}. ` +
      `While payments lags behind the payments already accepted, or this replica already works on as many as it may: ${ADMISSION_PROBLEMS.summary()}, with Retry-After (seconds); nothing is recorded. A retry of an accepted payment is answered unless the replica is full.`,
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1..64 characters of [A-Za-z0-9_-], unique per payment attempt' })
  @ApiAcceptedResponse({ type: PaymentInitiatedResponse })
  @ApiOkResponse({ type: PaymentInitiatedResponse, description: 'A replay of an earlier request with the same key' })
  @ApiProblems(...INITIATE_PAYMENT_PROBLEMS.allCodes(), ...ADMISSION_PROBLEMS.allCodes(), ...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.bearer)
  async initiate(
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Body() body: InitiatePaymentBody,
    @Res({ passthrough: true }) response: StartedPaymentResponse,
  ): Promise<PaymentInitiatedResponse> {
    const idempotencyKey = requiredIdempotencyKey(idempotencyKeyHeader);
    const outcome = await this.initiatePayment.execute({
      payerUserId: user.userId,
      // Null for a sandbox-login token (local development only): no cooling period applies.
      deviceBoundAt: user.deviceBoundAt,
      idempotencyKey,
      // InitiatePaymentBody has checked that exactly one of them is given.
      payeePhone: body.payee.phone,
      payeeAddress: body.payee.address,
      amount: body.amount,
      note: body.note ?? null,
      encryptedPin: body.encryptedPin,
      // Checked by the outbox writer: a malformed value starts a new trace instead.
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    });
    if (!outcome.ok) throw toProblemException(outcome);
    return answerStartedPayment(response, outcome);
  }

  @Get()
  @ApiOperation({
    summary: 'Your payments, sent and received, newest first',
    description:
      'A page at a time: pass `nextCursor` back as `cursor`, with the same filters, for the next one (absent on the last page). ' +
      'Each item is the view of GET /v1/payments/{id} with `direction`. Filters: `status` (comma-separated), `from` (inclusive) and `to` ' +
      '(exclusive) instants at most 366 days apart, `counterparty` (the other party\'s userId), `direction` (sent or received). ' +
      'Problems: 400 validation-failed (a bad filter, or a cursor from another list or other filters).',
  })
  @ApiOkResponse({ type: MyPaymentsPageResponse })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: MyPaymentsQuery): Promise<MyPaymentsPageResponse> {
    const outcome = await this.listMyPayments.execute({
      userId: user.userId,
      ...(query.limit !== undefined ? { limit: Number(query.limit) } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.status !== undefined ? { statuses: query.status.split(',') } : {}),
      ...(query.from !== undefined ? { from: new Date(query.from) } : {}),
      ...(query.to !== undefined ? { to: new Date(query.to) } : {}),
      ...(query.counterparty !== undefined ? { counterpartyUserId: query.counterparty } : {}),
      ...(query.direction !== undefined ? { direction: query.direction } : {}),
    });
    if (!outcome.ok) throw PAYMENT_PROBLEMS.exception('validation-failed', 'The request is not valid.', { errors: outcome.errors });
    return { items: outcome.items.map(toMyPaymentItemResponse), ...(outcome.nextCursor !== null ? { nextCursor: outcome.nextCursor } : {}) };
  }

  @Get(':paymentId')
  @ApiOperation({ summary: 'A payment, as its payer or payee sees it (anyone else: 404)' })
  @ApiOkResponse({ type: PaymentResponse })
  @ApiProblems(...PAYMENT_PROBLEMS.codes('not-found'), ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async get(@CurrentUser() user: AuthenticatedUser, @Param('paymentId') paymentId: string): Promise<PaymentResponse> {
    const payment = await this.getPayment.execute({ userId: user.userId, paymentId });
    if (!payment) throw PAYMENT_PROBLEMS.exception('not-found', 'No such payment.');
    return toPaymentResponse(payment);
  }
}
