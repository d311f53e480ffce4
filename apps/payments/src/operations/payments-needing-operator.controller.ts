import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, type AuthenticatedOperator, CurrentOperator, GENERIC_PROBLEMS, OPERATOR_PROBLEMS, OperatorEndpoint } from '@kirim/platform';
import { ResolveReversalByOperatorUseCase } from '../payment/resolve-reversal-by-operator/resolve-reversal-by-operator.use-case';
import { RetryReversalUseCase } from '../payment/retry-reversal/retry-reversal.use-case';
import { ListNeedsOperator } from './list-needs-operator/list-needs-operator.use-case';
import { NeedsOperatorQueryDto, OperatorPaymentView, PaymentsNeedingOperatorPage, ResolveReversalBody, RetryReversalBody, toNeedingOperatorView, toOperatorPaymentView } from './operations.dto';
import { operationProblem, operationProblemCodes } from './operations-problems';
import { OPERATOR_ROUTES, pageLimit, uuidParam } from './operator-http';

type ReversalOutcome =
  | { readonly ok: true; readonly payment: Parameters<typeof toOperatorPaymentView>[0] }
  | { readonly ok: false; readonly reason: 'invalid'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'wrong-state'; readonly status: string };

/** Payments that cannot end by themselves, and what an operator does about a reversal that failed. */
@ApiTags('operations')
@OperatorEndpoint()
@Controller(`${OPERATOR_ROUTES}/payments`)
export class PaymentsNeedingOperatorController {
  constructor(
    private readonly listNeedsOperator: ListNeedsOperator,
    private readonly retryReversal: RetryReversalUseCase,
    private readonly resolveReversal: ResolveReversalByOperatorUseCase,
  ) {}

  @Get('needing-operator')
  @ApiOperation({
    summary: 'Payments an operator must act on',
    description:
      'First those flagged because a bank answer for them was dead-lettered (replay it once fixed), then reversals whose retries are used up, rows set aside as unreadable and credits confirmed after being deemed failed. One cursor pages through both parts.',
  })
  @ApiOkResponse({ type: PaymentsNeedingOperatorPage })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async list(@Query() query: NeedsOperatorQueryDto): Promise<PaymentsNeedingOperatorPage> {
    const outcome = await this.listNeedsOperator.execute({ limit: pageLimit(query.limit, 50), ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
    if (!outcome.ok) throw operationProblem('invalid', outcome.detail);
    return { payments: outcome.items.map(toNeedingOperatorView), nextCursor: outcome.nextCursor };
  }

  @Post(':paymentId/reversal-retries')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Try a failed reversal once more, now',
    description: 'For a payment in reversal_failed: the attempt the retry timer would make, recorded in the audit trail with the operator. 409 in any other state.',
  })
  @ApiOkResponse({ type: OperatorPaymentView })
  @ApiProblems(...operationProblemCodes('notFound', 'conflict'), ...GENERIC_PROBLEMS.body, ...OPERATOR_PROBLEMS)
  async retry(@CurrentOperator() operator: AuthenticatedOperator, @Param('paymentId', uuidParam('paymentId')) paymentId: string, @Body() body: RetryReversalBody): Promise<OperatorPaymentView> {
    return answer(paymentId, await this.retryReversal.execute({ paymentId, operator: operator.name, ...(body.note !== undefined ? { note: body.note } : {}) }));
  }

  @Post(':paymentId/reversal-resolution')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Confirm the payer got the money back another way',
    description: 'For a payment in reversal_failed, with where the money went back (`reference`): the payment ends reversed and the payer is told. 409 in any other state (while an attempt is pending its bank may still pay back).',
  })
  @ApiOkResponse({ type: OperatorPaymentView })
  @ApiProblems(...operationProblemCodes('notFound', 'conflict'), ...GENERIC_PROBLEMS.body, ...OPERATOR_PROBLEMS)
  async resolve(@CurrentOperator() operator: AuthenticatedOperator, @Param('paymentId', uuidParam('paymentId')) paymentId: string, @Body() body: ResolveReversalBody): Promise<OperatorPaymentView> {
    return answer(paymentId, await this.resolveReversal.execute({ paymentId, operator: operator.name, reference: body.reference, ...(body.note !== undefined ? { note: body.note } : {}) }));
  }
}

function answer(paymentId: string, outcome: ReversalOutcome): OperatorPaymentView {
  if (outcome.ok) return toOperatorPaymentView(outcome.payment);
  switch (outcome.reason) {
    case 'invalid':
      throw operationProblem('invalid', outcome.detail);
    case 'not-found':
      throw operationProblem('notFound', `No payment ${paymentId}.`);
    case 'wrong-state':
      throw operationProblem('conflict', `Payment ${paymentId} is ${outcome.status}: only a payment in reversal_failed can have its reversal retried or resolved.`);
    default: {
      const unhandled: never = outcome;
      throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
    }
  }
}
