import { Module } from '@nestjs/common';
import { SandboxUpiPinModule } from '../sandbox-bank/upi-pin/sandbox-upi-pin.module';
import { BanksController } from './banks.controller';
import { ListBanks } from './list-banks/list-banks.use-case';

/** The public list of banks and their UPI PIN keys (partner keys from the registry, global). */
@Module({
  imports: [SandboxUpiPinModule],
  controllers: [BanksController],
  providers: [ListBanks],
})
export class BankDirectoryModule {}
