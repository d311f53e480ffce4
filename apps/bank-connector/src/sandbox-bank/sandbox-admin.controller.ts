import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, ProblemException } from '@kirim/platform';
import { MobileQueryDto } from '../bank-accounts/bank-accounts.dto';
import { ListSandboxAccounts } from './list-sandbox-accounts/list-sandbox-accounts.use-case';
import { OpenSandboxAccount } from './open-sandbox-account/open-sandbox-account.use-case';
import { SANDBOX_ADMIN_TOKEN_HEADER, SandboxAdminGuard } from './sandbox-admin.guard';
import { OpenedSandboxAccountDto, OpenSandboxAccountDto, SandboxAccountDto, SandboxLedgerSummaryDto, SetSandboxAccountFreezeDto } from './sandbox-bank.dto';
import { SetSandboxAccountFreeze } from './set-sandbox-account-freeze/set-sandbox-account-freeze.use-case';
import { SummarizeSandboxLedger } from './summarize-sandbox-ledger/summarize-sandbox-ledger.use-case';
import { SandboxAccountRefParams } from './upi-pin/sandbox-upi-pin.dto';

/** The OpenAPI security scheme of the sandbox administration token (bank-connector's main.ts declares it). */
export const SANDBOX_ADMIN_SECURITY_SCHEME = 'sandboxAdminToken';
export const SANDBOX_ADMIN_SECURITY = { type: 'apiKey', in: 'header', name: SANDBOX_ADMIN_TOKEN_HEADER, description: 'The sandbox administration token (SANDBOX_ADMIN_TOKEN).' } as const;

/** Sandbox administration: seeding accounts, freezing them and checking the ledger. Off (404) unless SANDBOX_ADMIN_TOKEN is set. */
@ApiTags('sandbox administration')
@ApiSecurity(SANDBOX_ADMIN_SECURITY_SCHEME)
@UseGuards(SandboxAdminGuard)
@Controller('sandbox')
export class SandboxAdminController {
  constructor(
    private readonly openSandboxAccount: OpenSandboxAccount,
    private readonly listSandboxAccounts: ListSandboxAccounts,
    private readonly summarizeSandboxLedger: SummarizeSandboxLedger,
    private readonly setSandboxAccountFreeze: SetSandboxAccountFreeze,
  ) {}

  @Post('accounts')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Open a sandbox account with an opening balance.' })
  @ApiCreatedResponse({ type: OpenedSandboxAccountDto })
  @ApiProblems(PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.body)
  async open(@Body() body: OpenSandboxAccountDto): Promise<OpenedSandboxAccountDto> {
    const result = await this.openSandboxAccount.execute(body);
    if (!result.ok) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, result.detail);
    }
    return result.account;
  }

  @Get('accounts')
  @ApiOperation({ summary: 'The sandbox accounts registered to a mobile number, with balances.' })
  @ApiOkResponse({ type: SandboxAccountDto, isArray: true })
  @ApiProblems(PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input)
  list(@Query() query: MobileQueryDto): Promise<SandboxAccountDto[]> {
    return this.listSandboxAccounts.execute({ mobile: query.mobile });
  }

  @Put('accounts/:accountRef/freeze')
  @ApiOperation({
    summary: 'Freeze an account as a bank does, or lift the freeze (none); answers the account.',
    description:
      'From the next leg on, a credit (payment or reversal) to an account frozen for credits or totally is declined with YF, ' +
      'a debit from one frozen for debits or totally with YE; nothing moves. Legs answered before keep their answers. ' +
      'Problems: 400 validation-failed (not a uuid, an unknown freeze), 401, 404 account-not-found.',
  })
  @ApiOkResponse({ type: SandboxAccountDto })
  @ApiProblems(PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.NOT_FOUND, PROBLEM_CODES.ACCOUNT_NOT_FOUND, ...GENERIC_PROBLEMS.body)
  async setFreeze(@Param() params: SandboxAccountRefParams, @Body() body: SetSandboxAccountFreezeDto): Promise<SandboxAccountDto> {
    const result = await this.setSandboxAccountFreeze.execute({ accountRef: params.accountRef, freeze: body.freeze });
    if (!result.ok) {
      throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.ACCOUNT_NOT_FOUND, 'No sandbox bank holds this account.');
    }
    return result.account;
  }

  @Get('ledger/summary')
  @ApiOperation({ summary: 'Totals of the sandbox ledger, to check that money is conserved.' })
  @ApiOkResponse({ type: SandboxLedgerSummaryDto })
  @ApiProblems(PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input)
  summary(): Promise<SandboxLedgerSummaryDto> {
    return this.summarizeSandboxLedger.execute();
  }
}
