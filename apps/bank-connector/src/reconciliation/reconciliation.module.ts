import { Module } from '@nestjs/common';
import { PartnerBanksModule } from '../partner-banks/partner-banks.module';
import { BankLegRecords } from './bank-leg-records.repository';
import { KafkaPartnerStatusRequests, PartnerStatusRequests } from './partner-status-requests';
import { ReconcileBankLegs } from './reconcile-bank-legs/reconcile-bank-legs.use-case';
import { ReconciliationController } from './reconciliation.controller';
import { TypeOrmBankLegRecords } from './typeorm-bank-leg-records.repository';

/** What the banks did with payments' legs, for payments' reconciliation job (docs/operations.md). */
@Module({
  imports: [PartnerBanksModule],
  controllers: [ReconciliationController],
  providers: [
    ReconcileBankLegs,
    { provide: BankLegRecords, useClass: TypeOrmBankLegRecords },
    { provide: PartnerStatusRequests, useClass: KafkaPartnerStatusRequests },
  ],
})
export class ReconciliationModule {}
