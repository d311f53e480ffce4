import { Body, Controller, Get, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { DiscoverableBankAccountResponse, LinkBankAccountRequest, LinkedBankAccountResponse, toLinkedBankAccountResponse } from './bank-accounts.dto';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.use-case';
import { LinkBankAccount } from './link-bank-account/link-bank-account.use-case';

interface StatusSettable {
  status(code: number): unknown;
}

function problemFor(code: 'user-not-found' | 'account-not-found' | 'dependency-unavailable'): ProblemException {
  switch (code) {
    case 'user-not-found':
      return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'The token names a user that does not exist.');
    case 'account-not-found':
      return new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.ACCOUNT_NOT_FOUND, 'No bank holds this account for your phone number.');
    case 'dependency-unavailable':
      return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'The banks cannot be asked right now; try again shortly.');
  }
}

@ApiTags('bank-accounts')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('me/bank-accounts')
export class BankAccountsController {
  constructor(
    private readonly discoverBankAccounts: DiscoverBankAccounts,
    private readonly linkBankAccount: LinkBankAccount,
  ) {}

  @Get('discoverable')
  @ApiOperation({ summary: "Accounts the banks hold for the caller's registered phone number." })
  @ApiOkResponse({ type: [DiscoverableBankAccountResponse] })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async discoverable(@CurrentUser() caller: AuthenticatedUser): Promise<DiscoverableBankAccountResponse[]> {
    const result = await this.discoverBankAccounts.execute({ userId: caller.userId });
    if (!result.ok) throw problemFor(result.code);
    return result.accounts.map(({ accountRef, bankCode, bankName, maskedAccountNumber }) => ({ accountRef, bankCode, bankName, maskedAccountNumber }));
  }

  @Post()
  @ApiOperation({
    summary: 'Link one of the discoverable accounts; the first linked becomes primary.',
    description: 'Idempotent: linking an already linked account answers 200 with the existing link.',
  })
  @ApiCreatedResponse({ type: LinkedBankAccountResponse, description: 'Linked now.' })
  @ApiOkResponse({ type: LinkedBankAccountResponse, description: 'Already linked.' })
  @ApiProblems(PROBLEM_CODES.ACCOUNT_NOT_FOUND, ...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.bearer)
  async link(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: LinkBankAccountRequest,
    @Res({ passthrough: true }) response: StatusSettable,
  ): Promise<LinkedBankAccountResponse> {
    const result = await this.linkBankAccount.execute({ userId: caller.userId, accountRef: body.accountRef });
    if (!result.ok) throw problemFor(result.code);
    response.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return toLinkedBankAccountResponse(result.account);
  }
}
