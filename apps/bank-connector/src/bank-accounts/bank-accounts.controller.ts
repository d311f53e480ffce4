import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '@kirim/platform';
import { DiscoveredBankAccountDto, MobileQueryDto } from './bank-accounts.dto';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.use-case';

@ApiTags('bank accounts')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('bank-accounts')
export class BankAccountsController {
  constructor(private readonly discoverBankAccounts: DiscoverBankAccounts) {}

  /** Identity calls this when a user discovers the accounts registered to their mobile number. */
  @Get()
  @ApiOperation({ summary: 'Accounts every bank holds for a mobile number: sandbox banks at once, partner banks within their lookup timeout.' })
  @ApiOkResponse({ type: DiscoveredBankAccountDto, isArray: true })
  discover(@Query() query: MobileQueryDto): Promise<DiscoveredBankAccountDto[]> {
    return this.discoverBankAccounts.execute({ mobile: query.mobile });
  }
}
