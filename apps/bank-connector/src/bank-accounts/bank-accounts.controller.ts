import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '@kirim/platform';
import { DiscoverBankAccounts } from './discover-bank-accounts/discover-bank-accounts.use-case';
import { DiscoveredBankAccountDto, MobileQueryDto } from './sandbox-bank.dto';

@ApiTags('bank accounts')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('bank-accounts')
export class BankAccountsController {
  constructor(private readonly discoverBankAccounts: DiscoverBankAccounts) {}

  /** Identity calls this when a user discovers the accounts registered to their mobile number. */
  @Get()
  @ApiOkResponse({ type: DiscoveredBankAccountDto, isArray: true })
  discover(@Query() query: MobileQueryDto): Promise<DiscoveredBankAccountDto[]> {
    return this.discoverBankAccounts.byMobile(query.mobile);
  }
}
