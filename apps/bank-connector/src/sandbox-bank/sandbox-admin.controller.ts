import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';
import { MobileQueryDto } from '../bank-accounts/bank-accounts.dto';
import { ListSandboxAccounts } from './list-sandbox-accounts/list-sandbox-accounts.use-case';
import { OpenSandboxAccount } from './open-sandbox-account/open-sandbox-account.use-case';
import { SANDBOX_ADMIN_TOKEN_HEADER, SandboxAdminGuard } from './sandbox-admin.guard';
import { OpenedSandboxAccountDto, OpenSandboxAccountDto, SandboxAccountDto, SandboxLedgerSummaryDto } from './sandbox-bank.dto';
import { SummarizeSandboxLedger } from './summarize-sandbox-ledger/summarize-sandbox-ledger.use-case';

/** Sandbox administration: seeding accounts and checking the ledger. Off (404) unless SANDBOX_ADMIN_TOKEN is set. */
@ApiTags('sandbox administration')
@ApiHeader({ name: SANDBOX_ADMIN_TOKEN_HEADER, required: true })
@UseGuards(SandboxAdminGuard)
@Controller('sandbox')
export class SandboxAdminController {
  constructor(
    private readonly openSandboxAccount: OpenSandboxAccount,
    private readonly listSandboxAccounts: ListSandboxAccounts,
    private readonly summarizeSandboxLedger: SummarizeSandboxLedger,
  ) {}

  @Post('accounts')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: OpenedSandboxAccountDto })
  async open(@Body() body: OpenSandboxAccountDto): Promise<OpenedSandboxAccountDto> {
    const result = await this.openSandboxAccount.execute(body);
    if (!result.ok) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, result.detail);
    }
    return result.account;
  }

  @Get('accounts')
  @ApiOkResponse({ type: SandboxAccountDto, isArray: true })
  list(@Query() query: MobileQueryDto): Promise<SandboxAccountDto[]> {
    return this.listSandboxAccounts.execute({ mobile: query.mobile });
  }

  @Get('ledger/summary')
  @ApiOkResponse({ type: SandboxLedgerSummaryDto })
  summary(): Promise<SandboxLedgerSummaryDto> {
    return this.summarizeSandboxLedger.execute();
  }
}
