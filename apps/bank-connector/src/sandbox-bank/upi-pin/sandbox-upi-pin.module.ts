import { Module } from '@nestjs/common';
import { BankConnectorConfig } from '../../bank-connector.config';
import { SandboxAdminGuard } from '../sandbox-admin.guard';
import { SANDBOX_BANKS } from '../sandbox-banks';
import { ResetSandboxUpiPin } from './reset-sandbox-upi-pin/reset-sandbox-upi-pin.use-case';
import { SandboxPinCheck } from './sandbox-pin-check';
import { SandboxPinKeys } from './sandbox-pin-keys';
import { SandboxUpiPinAdminController } from './sandbox-upi-pin-admin.controller';
import { SandboxUpiPinController } from './sandbox-upi-pin.controller';
import { SandboxUpiPinRepository } from './sandbox-upi-pin.repository';
import { SetSandboxUpiPin } from './set-sandbox-upi-pin/set-sandbox-upi-pin.use-case';
import { TypeOrmSandboxUpiPinRepository } from './typeorm-sandbox-upi-pin.repository';

/**
 * The sandbox banks' UPI PINs: their PIN keys and PIN verification keys (read once at boot), the PIN check of every debit,
 * set/change (internal, for identity) and the operator's reset. Without SANDBOX_PIN_KEYS_DIR the
 * sandbox banks publish no PIN key, and every debit at them is declined (U14): no PIN can be opened.
 */
@Module({
  controllers: [SandboxUpiPinController, SandboxUpiPinAdminController],
  providers: [
    {
      provide: SandboxPinKeys,
      inject: [BankConnectorConfig],
      useFactory: (config: BankConnectorConfig) =>
        config.SANDBOX_PIN_KEYS_DIR ? SandboxPinKeys.load(config.SANDBOX_PIN_KEYS_DIR, SANDBOX_BANKS.map((bank) => bank.code)) : SandboxPinKeys.none(),
    },
    { provide: SandboxUpiPinRepository, useClass: TypeOrmSandboxUpiPinRepository },
    SandboxPinCheck,
    SetSandboxUpiPin,
    ResetSandboxUpiPin,
    SandboxAdminGuard,
  ],
  exports: [SandboxPinCheck, SandboxPinKeys, SandboxUpiPinRepository],
})
export class SandboxUpiPinModule {}
