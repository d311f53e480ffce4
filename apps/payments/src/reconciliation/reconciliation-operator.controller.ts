import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, type AuthenticatedOperator, CurrentOperator, GENERIC_PROBLEMS, OPERATOR_PROBLEMS, OperatorEndpoint } from '@kirim/platform';
import { operationProblem, operationProblemCodes } from '../operations/operations-problems';
import { OPERATOR_ROUTES, pageLimit, uuidParam } from '../operations/operator-http';
import { ReconciliationRuns } from './reconciliation-runs.repository';
import { MismatchPageQueryDto, MismatchPageView, ReconciliationRunView, RunReconciliationBody, toMismatchView, toRunView } from './reconciliation.dto';
import { RunReconciliation } from './run-reconciliation/run-reconciliation.use-case';

const DEFAULT_PAGE_SIZE = 50;

/** Operator endpoints of reconciliation (docs/operations.md): an operator key, on payments' own port only. */
@ApiTags('operations')
@OperatorEndpoint()
@Controller(`${OPERATOR_ROUTES}/reconciliation`)
export class ReconciliationOperatorController {
  constructor(
    private readonly runReconciliation: RunReconciliation,
    private readonly runs: ReconciliationRuns,
  ) {}

  @Post('runs')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Run a reconciliation now',
    description:
      'Compares payments with what the banks say and answers with the finished run (completed, or failed with its reason). 409 while another run is in progress. ' +
      'An optional body `{ "graceSeconds": 0 }` also judges payments updated more recently than the configured grace period.',
  })
  @ApiCreatedResponse({ type: ReconciliationRunView })
  @ApiProblems(...operationProblemCodes('conflict'), ...GENERIC_PROBLEMS.body, ...OPERATOR_PROBLEMS)
  async runNow(@CurrentOperator() operator: AuthenticatedOperator, @Body() body: RunReconciliationBody): Promise<ReconciliationRunView> {
    const outcome = await this.runReconciliation.execute({
      trigger: 'operator',
      operator: operator.name,
      ...(body.graceSeconds !== undefined ? { graceMs: body.graceSeconds * 1000 } : {}),
    });
    if (outcome.kind === 'already-running') {
      throw operationProblem('conflict', `Reconciliation run ${outcome.runningRunId} is in progress; read it when it ends.`);
    }
    // An operator's run is always due; 'not-due' is for scheduled runs only.
    if (outcome.kind === 'not-due') throw new Error('an operator run was found not due');
    return toRunView(outcome.run);
  }

  @Get('runs/latest')
  @ApiOperation({ summary: 'The latest reconciliation report', description: 'The run started last, whatever its status.' })
  @ApiOkResponse({ type: ReconciliationRunView })
  @ApiProblems(...operationProblemCodes('notFound'), ...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async latest(): Promise<ReconciliationRunView> {
    const run = await this.runs.latest();
    if (!run) throw operationProblem('notFound', 'No reconciliation has run yet.');
    return toRunView(run);
  }

  @Get('runs/:runId')
  @ApiOperation({ summary: 'A reconciliation report by run id' })
  @ApiOkResponse({ type: ReconciliationRunView })
  @ApiProblems(...operationProblemCodes('notFound'), ...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async run(@Param('runId', uuidParam('runId')) runId: string): Promise<ReconciliationRunView> {
    const run = await this.runs.find(runId);
    if (!run) throw operationProblem('notFound', `No reconciliation run ${runId}.`);
    return toRunView(run);
  }

  @Get('runs/:runId/mismatches')
  @ApiOperation({ summary: "A reconciliation run's mismatches, a page at a time, in the order found" })
  @ApiOkResponse({ type: MismatchPageView })
  @ApiProblems(...operationProblemCodes('notFound'), ...GENERIC_PROBLEMS.input, ...OPERATOR_PROBLEMS)
  async mismatches(@Param('runId', uuidParam('runId')) runId: string, @Query() query: MismatchPageQueryDto): Promise<MismatchPageView> {
    if (!(await this.runs.find(runId))) throw operationProblem('notFound', `No reconciliation run ${runId}.`);
    const limit = pageLimit(query.limit, DEFAULT_PAGE_SIZE);
    // One more than asked: whether there is a next page, without a count.
    const found = await this.runs.mismatches({ runId, limit: limit + 1, ...(query.after !== undefined ? { after: query.after } : {}), ...(query.kind !== undefined ? { kind: query.kind } : {}) });
    const page = found.slice(0, limit);
    return { mismatches: page.map(toMismatchView), nextCursor: found.length > limit ? page[page.length - 1].mismatchId : null };
  }
}
