import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPublic, GENERIC_PROBLEMS } from '@kirim/platform';
import { BankDto } from './banks.dto';
import { BankView, ListBanks } from './list-banks/list-banks.use-case';

/**
 * Public, like a JWKS: the banks and their PIN keys are what every device needs before it can pay.
 * Cached for five minutes, which is why a bank keeps a rotated-out PIN key for longer than that.
 */
@ApiTags('banks')
@Controller('banks')
export class BanksController {
  constructor(private readonly listBanks: ListBanks) {}

  @Get()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: "The banks kirim reaches, each with the public key a device encrypts the user's UPI PIN for (docs/upi-pin.md)" })
  @ApiOkResponse({ type: BankDto, isArray: true })
  @ApiPublic()
  @ApiProblems(...GENERIC_PROBLEMS.input)
  list(): Promise<BankView[]> {
    return this.listBanks.execute();
  }
}
