import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '@kirim/platform';
import { PaymentsConfig } from '../payments.config';
import { ADMISSION_POLICY, SagaAdmission } from './saga-admission';
import { SagaAdmissionMetrics } from './saga-admission-metrics';
import { admissionPolicyOf } from './saga-admission-policy';
import { ADMISSION_SAMPLE_INTERVAL_MS, SagaLagSampler } from './saga-lag-sampler';
import { SagaLagRepository } from './saga-lag.repository';
import { TypeOrmSagaLagRepository } from './typeorm-saga-lag.repository';

/**
 * Backpressure (docs/payment-lifecycle.md, "Backpressure"): the sampler that reads the saga's lag
 * and the admission every route that starts a payment asks (SagaAdmissionGuard, which the module
 * of each such route makes: it also needs that module's IdempotencyKeyRepository).
 */
@Module({
  providers: [
    { provide: ADMISSION_POLICY, inject: [PaymentsConfig], useFactory: admissionPolicyOf },
    { provide: ADMISSION_SAMPLE_INTERVAL_MS, inject: [PaymentsConfig], useFactory: (config: PaymentsConfig) => config.PAYMENT_ADMISSION_SAMPLE_INTERVAL_MS },
    { provide: SagaLagRepository, useClass: TypeOrmSagaLagRepository },
    { provide: Clock, useClass: SystemClock },
    SagaAdmission,
    // Started at bootstrap, stopped at shutdown (IntervalPoller).
    SagaLagSampler,
    SagaAdmissionMetrics,
  ],
  exports: [SagaAdmission],
})
export class AdmissionModule {}
