import { Module } from '@nestjs/common';
import { InternalHttpClient, loadConfig, TimeModule } from '@kirim/platform';
import { BankLegStatuses, HttpBankLegStatuses } from './bank-leg-statuses';
import { ReconciliationConfig, reconciliationPolicy } from './reconciliation.config';
import { ReconciliationOperatorController } from './reconciliation-operator.controller';
import { ReconciliationPayments } from './reconciliation-payments.repository';
import { ReconciliationRuns } from './reconciliation-runs.repository';
import { ReconciliationScheduler } from './reconciliation-scheduler';
import { RECONCILIATION_POLICY, RunReconciliation } from './run-reconciliation/run-reconciliation.use-case';
import { TypeOrmReconciliationPayments } from './typeorm-reconciliation-payments.repository';
import { TypeOrmReconciliationRuns } from './typeorm-reconciliation-runs.repository';

/** Payments compared with what the banks say, on a schedule and when an operator asks (docs/operations.md). */
@Module({
  imports: [TimeModule],
  controllers: [ReconciliationOperatorController],
  providers: [
    // Read and validated when the module is created: a bad value stops the service at boot, naming it.
    { provide: ReconciliationConfig, useFactory: () => loadConfig(ReconciliationConfig) },
    { provide: RECONCILIATION_POLICY, inject: [ReconciliationConfig], useFactory: reconciliationPolicy },
    { provide: ReconciliationPayments, useClass: TypeOrmReconciliationPayments },
    { provide: ReconciliationRuns, useClass: TypeOrmReconciliationRuns },
    { provide: BankLegStatuses, inject: [InternalHttpClient], useFactory: (client: InternalHttpClient) => new HttpBankLegStatuses(client) },
    RunReconciliation,
    ReconciliationScheduler,
  ],
  exports: [ReconciliationRuns],
})
export class ReconciliationModule {}
