import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadLetterStore, parseDeadLetterCursor } from '@kirim/messaging';
import { ApiProblems, type AuthenticatedOperator, CurrentOperator, GENERIC_PROBLEMS, OPERATOR_PROBLEMS, OperatorEndpoint } from '@kirim/platform';
import { DeadLetterDetailView, DeadLetterListQueryDto, DeadLetterPageView, ReplayOutcomeView, toDeadLetterDetailView, toDeadLetterView } from './operations.dto';
import { operationProblem, operationProblemCodes } from './operations-problems';
import { OPERATOR_ROUTES, pageLimit, uuidParam } from './operator-http';
import { ReplayDeadLetter } from './replay-dead-letter/replay-dead-letter.use-case';

/** Records payments' consumer dead-lettered: seen, and replayed once the cause is fixed (docs/operations.md). */
@ApiTags('operations')
@OperatorEndpoint()
@Controller(`${OPERATOR_ROUTES}/dead-letters`)
export class DeadLettersController {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly replayDeadLetter: ReplayDeadLetter,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Dead-lettered records, newest first, with why each was set aside', description: 'Filter by status (open, replayed) and CloudEvents type; page with `after`.' })
  @ApiOkResponse({ type: DeadLetterPageView })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async list(@Query() query: DeadLetterListQueryDto): Promise<DeadLetterPageView> {
    const after = query.after === undefined ? undefined : parseDeadLetterCursor(query.after);
    if (after === null) throw operationProblem('invalid', 'after must be a cursor from a previous page');
    const page = await this.store.list({
      limit: pageLimit(query.limit, 50),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.type !== undefined ? { ceType: query.type } : {}),
      ...(after !== undefined ? { after } : {}),
    });
    return { deadLetters: page.items.map(toDeadLetterView), nextCursor: page.nextCursor };
  }

  @Get(':deadLetterId')
  @ApiOperation({ summary: 'One dead-lettered record, with its stored event when it is replayable' })
  @ApiOkResponse({ type: DeadLetterDetailView })
  @ApiProblems(...operationProblemCodes('notFound'), ...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async get(@Param('deadLetterId', uuidParam('deadLetterId')) deadLetterId: string): Promise<DeadLetterDetailView> {
    const record = await this.store.get(deadLetterId);
    if (!record) throw operationProblem('notFound', `No dead letter ${deadLetterId}.`);
    return toDeadLetterDetailView(record);
  }

  @Post(':deadLetterId/replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Replay a dead-lettered record once its cause is fixed',
    description:
      "Applies it exactly as the consumer would have, and clears the flag on its payment. 409 when it cannot be replayed (a refused record, or already replayed); 422 when the handler fails again (nothing it did is kept; the reason is in the detail and in the record's lastReplayError).",
  })
  @ApiOkResponse({ type: ReplayOutcomeView })
  @ApiProblems(...operationProblemCodes('notFound', 'conflict', 'replayFailed'), ...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async replay(@CurrentOperator() operator: AuthenticatedOperator, @Param('deadLetterId', uuidParam('deadLetterId')) deadLetterId: string): Promise<ReplayOutcomeView> {
    const result = await this.replayDeadLetter.execute({ deadLetterId, operator: operator.name });
    switch (result.outcome) {
      case 'replayed':
        return { outcome: 'replayed', deadLetter: toDeadLetterView(result.deadLetter) };
      case 'not-found':
        throw operationProblem('notFound', `No dead letter ${deadLetterId}.`);
      case 'already-replayed':
        throw operationProblem('conflict', `Dead letter ${deadLetterId} was already replayed at ${result.deadLetter.replayedAt?.toISOString() ?? 'an earlier time'}.`);
      case 'not-replayable':
        throw operationProblem('conflict', `Dead letter ${deadLetterId} cannot be replayed: ${result.reason}.`);
      case 'failed':
        throw operationProblem('replayFailed', `The replay of dead letter ${deadLetterId} failed again, and nothing it did was kept: ${result.reason}`);
      default: {
        const unhandled: never = result;
        throw new Error(`unhandled replay result ${JSON.stringify(unhandled)}`);
      }
    }
  }
}
