import { Controller, Get, HttpCode, HttpStatus, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxQuarantine } from '@kirim/messaging';
import { ApiProblems, type AuthenticatedOperator, CurrentOperator, GENERIC_PROBLEMS, OPERATOR_PROBLEMS, OperatorEndpoint } from '@kirim/platform';
import { QuarantineListQueryDto, QuarantinePageView, RequeuedView, toQuarantinedView } from './operations.dto';
import { operationProblem, operationProblemCodes } from './operations-problems';
import { OPERATOR_ROUTES, pageLimit, uuidParam } from './operator-http';

/** Outbox messages the relay set aside (they could not be encoded, or the broker refused them for good). */
@ApiTags('operations')
@OperatorEndpoint()
@Controller(`${OPERATOR_ROUTES}/outbox-quarantine`)
export class OutboxQuarantineController {
  private readonly logger = new Logger(OutboxQuarantineController.name);

  constructor(private readonly quarantine: OutboxQuarantine) {}

  @Get()
  @ApiOperation({ summary: 'Messages set aside from the outbox, latest first, with why' })
  @ApiOkResponse({ type: QuarantinePageView })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async list(@Query() query: QuarantineListQueryDto): Promise<QuarantinePageView> {
    const page = await this.quarantine.list({ limit: pageLimit(query.limit, 50), ...(query.before !== undefined ? { beforePosition: query.before } : {}) });
    return { messages: page.items.map(toQuarantinedView), nextBefore: page.nextBeforePosition };
  }

  @Post(':messageId/requeue')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Put a set-aside message back at the end of the outbox, once its cause is fixed',
    description: 'It is sent after what its aggregate emitted since, with the time of the requeue.',
  })
  @ApiOkResponse({ type: RequeuedView })
  @ApiProblems(...operationProblemCodes('notFound'), ...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async requeue(@CurrentOperator() operator: AuthenticatedOperator, @Param('messageId', uuidParam('messageId')) messageId: string): Promise<RequeuedView> {
    const result = await this.quarantine.requeue(messageId);
    this.logger.warn({ operator: operator.name, messageId, outcome: result.outcome }, 'outbox requeue by an operator');
    if (result.outcome === 'not-found') throw operationProblem('notFound', `No quarantined message ${messageId}.`);
    return { outcome: 'requeued', position: result.position };
  }
}
