import { Body, Controller, Get, Headers, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { type AuthenticatedUser, CurrentUser, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { bearerTokenOf } from '../users/bearer-token';
import { DiscoverableBankAccountResponse, LinkBankAccountRequest, LinkedBankAccountResponse, toLinkedBankAccountResponse } from './bank-accounts.dto';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.handler';
import { LinkBankAccount } from './link-bank-account/link-bank-account.handler';

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
  async discoverable(@CurrentUser() caller: AuthenticatedUser, @Headers('authorization') authorization: string | undefined): Promise<DiscoverableBankAccountResponse[]> {
    const result = await this.discoverBankAccounts.execute({ userId: caller.userId, bearerToken: bearerTokenOf(authorization) });
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
  async link(
    @CurrentUser() caller: AuthenticatedUser,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: LinkBankAccountRequest,
    @Res({ passthrough: true }) response: StatusSettable,
  ): Promise<LinkedBankAccountResponse> {
    const result = await this.linkBankAccount.execute({ userId: caller.userId, accountRef: body.accountRef, bearerToken: bearerTokenOf(authorization) });
    if (!result.ok) throw problemFor(result.code);
    response.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return toLinkedBankAccountResponse(result.account);
  }
}
