import { Module } from '@nestjs/common';
import { KafkaPartnerAdapter } from '../adapters/kafka-partner/kafka-partner.adapter';
import { SandboxBankAdapter } from '../adapters/sandbox/sandbox-bank.adapter';
import { PartnerBanksModule } from '../partner-banks/partner-banks.module';
import { SandboxBankModule } from '../sandbox-bank/sandbox-bank.module';
import { SandboxUpiPinModule } from '../sandbox-bank/upi-pin/sandbox-upi-pin.module';
import { ApplyBankLeg } from './apply-bank-leg/apply-bank-leg.use-case';
import { BANK_ADAPTERS, BankAdapter } from './bank-adapter.port';
import { BankAdapterRouter } from './bank-adapter.router';
import { BankRequestsConsumer } from './bank-requests.consumer';
import { LockLegAccountsInOrder } from './lock-leg-accounts.preparer';

/** Debit and credit legs from payments, routed to the bank that holds the account. */
@Module({
  imports: [SandboxBankModule, SandboxUpiPinModule, PartnerBanksModule],
  controllers: [BankRequestsConsumer],
  providers: [
    SandboxBankAdapter,
    // Every way of reaching banks; the router refuses at boot a bank code claimed twice.
    {
      provide: BANK_ADAPTERS,
      useFactory: (sandbox: SandboxBankAdapter, partners: KafkaPartnerAdapter): BankAdapter[] => [sandbox, partners],
      inject: [SandboxBankAdapter, KafkaPartnerAdapter],
    },
    BankAdapterRouter,
    ApplyBankLeg,
    LockLegAccountsInOrder,
  ],
  exports: [LockLegAccountsInOrder],
})
export class BankLegsModule {}
