import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { DiscoverBankAccountsAnswerDto, MobileQueryDto } from './bank-accounts.dto';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.use-case';

/** Internal (libs/contracts INTERNAL_OPERATIONS.DISCOVER_BANK_ACCOUNTS): identity asks with its own service token. */
@ApiTags('bank accounts')
@ApiBearerAuth(SERVICE_TOKEN_SCHEME)
@Controller()
export class BankAccountsController {
  constructor(private readonly discoverBankAccounts: DiscoverBankAccounts) {}

  @Get(INTERNAL_OPERATIONS.DISCOVER_BANK_ACCOUNTS.path.slice(1))
  @InternalEndpoint(INTERNAL_OPERATIONS.DISCOVER_BANK_ACCOUNTS)
  @ApiOperation({ summary: 'Accounts every bank holds for a mobile number: sandbox banks at once, partner banks within their lookup timeout.' })
  @ApiOkResponse({ type: DiscoverBankAccountsAnswerDto })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.serviceToken)
  async discover(@Query() query: MobileQueryDto): Promise<DiscoverBankAccountsAnswerDto> {
    return { accounts: await this.discoverBankAccounts.execute({ mobile: query.mobile }) };
  }
}
