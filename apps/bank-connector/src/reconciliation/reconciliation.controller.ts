import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS, Money, PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, ProblemException, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { ReconcileBankLegsAnswerDto, ReconcileBankLegsRequestDto } from './reconciliation.dto';
import { LegToReconcile, ReconcileBankLegs } from './reconcile-bank-legs/reconcile-bank-legs.use-case';

/** Internal (libs/contracts INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS): payments' reconciliation job asks with its own service token. */
@ApiTags('reconciliation')
@ApiBearerAuth(SERVICE_TOKEN_SCHEME)
@Controller()
export class ReconciliationController {
  constructor(private readonly reconcileBankLegs: ReconcileBankLegs) {}

  @Post(INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS.path.slice(1))
  @HttpCode(HttpStatus.OK)
  @InternalEndpoint(INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS)
  @ApiOperation({
    summary: 'What the banks did with these legs: sandbox banks from their ledger, partner banks from their recorded answers; an unanswered partner leg is asked about again.',
  })
  @ApiOkResponse({ type: ReconcileBankLegsAnswerDto })
  @ApiProblems(...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.serviceToken)
  async reconcile(@Body() body: ReconcileBankLegsRequestDto): Promise<ReconcileBankLegsAnswerDto> {
    const legs: LegToReconcile[] = body.legs.map((leg, index) => {
      const amount = Money.parse(leg.amount);
      // The DTO's pattern lets nothing through that Money.parse refuses; kept as a 400, not a 500.
      if (Money.isError(amount)) throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, `legs.${index}.amount: ${amount.reason}`);
      return { ...leg, amount };
    });
    return this.reconcileBankLegs.execute({ legs });
  }
}
