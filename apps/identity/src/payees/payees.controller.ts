import { Controller, Get, HttpStatus, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { ResolvedPayeeResponse, ResolvePayeeQuery } from './payees.dto';
import { ResolvePayee } from './resolve-payee/resolve-payee.use-case';

@ApiTags('payees')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('payees')
export class PayeesController {
  constructor(private readonly resolvePayee: ResolvePayee) {}

  @Get()
  @ApiOperation({
    summary: 'Find a payee by phone number or payment address: their address, masked bank-registered name and bank.',
    description:
      'Exactly one of `phone` and `address`. Never answers an account number, an account reference or a phone number. ' +
      "Each caller has a token bucket (after Pix's DICT): a lookup that finds the payee costs 1 token, one that finds nobody 20; " +
      'it refills at 2 tokens a minute up to 100 (configurable). A lookup needs a miss\'s worth of tokens; an empty bucket answers 429 with Retry-After.',
  })
  @ApiOkResponse({ type: ResolvedPayeeResponse })
  @ApiProblems(PROBLEM_CODES.PAYEE_NOT_FOUND, PROBLEM_CODES.PAYEE_IS_MERCHANT, PROBLEM_CODES.RATE_LIMITED, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async resolve(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ResolvePayeeQuery,
  ): Promise<ResolvedPayeeResponse> {
    if ((query.phone === undefined) === (query.address === undefined)) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'Give exactly one of the query parameters phone and address.');
    }
    const payee = query.phone !== undefined ? { phone: query.phone } : { address: query.address as string };
    const result = await this.resolvePayee.execute({ callerUserId: caller.userId, payee });
    if (result.ok) return result.payee;
    switch (result.code) {
      case 'rate-limited':
        throw new ProblemException(HttpStatus.TOO_MANY_REQUESTS, PROBLEM_CODES.RATE_LIMITED, `Too many payee lookups; retry in ${result.retryAfterSeconds} seconds.`, {
          retryAfterSeconds: result.retryAfterSeconds,
        });
      case 'payee-unknown':
        throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.PAYEE_NOT_FOUND, 'No kirim user has this phone number or address.', { resultCode: result.resultCode });
      case 'payee-account-missing':
        throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYEE_NOT_FOUND, 'The payee has not linked a bank account.', { resultCode: result.resultCode });
      case 'payee-is-merchant':
        throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYEE_IS_MERCHANT, "This address is a merchant's, not a person's: pay the merchant through its order or collect request in the chat.");
    }
  }
}
