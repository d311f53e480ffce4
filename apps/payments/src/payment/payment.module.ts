import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module';
import { LimitsModule } from '../limits/limits.module';
import { PaymentsConfig } from '../payments.config';
import { AlertOverdueReversalsUseCase } from './alert-overdue-reversals/alert-overdue-reversals.use-case';
import { ApplyBankLegResultUseCase } from './apply-bank-leg-result/apply-bank-leg-result.use-case';
import { BankResponsesConsumer } from './bank-responses.consumer';
import { CheckPendingLegsUseCase } from './check-pending-legs/check-pending-legs.use-case';
import { LEG_CHECK_INTERVAL_MS, PendingLegPoller } from './check-pending-legs/pending-leg-poller';
import { Clock, IdGenerator, InternalHttpClient, RandomIdGenerator, SystemClock } from '@kirim/platform';
import { GetPaymentUseCase } from './get-payment/get-payment.use-case';
import { HttpPartyDirectory } from './http-party-directory';
import { InitiatePaymentUseCase } from './initiate-payment/initiate-payment.use-case';
import { ListMyPaymentsUseCase } from './list-my-payments/list-my-payments.use-case';
import { PaymentHistoryRepository } from './list-my-payments/payment-history.repository';
import { TypeOrmPaymentHistoryRepository } from './list-my-payments/typeorm-payment-history.repository';
import { ListPaymentsNeedingOperatorUseCase } from './list-payments-needing-operator/list-payments-needing-operator.use-case';
import { PartyDirectory } from './party-directory';
import { PaymentBacklogGauges } from './payment-metrics';
import { LockChunkPayments } from './lock-chunk-payments.preparer';
import { PaymentTransitionStep } from './payment-transition-step';
import { IdempotencyKeyRepository, PaymentRepository, TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from './payment.repository';
import { PaymentsController } from './payments.controller';
import { ResolveReversalByOperatorUseCase } from './resolve-reversal-by-operator/resolve-reversal-by-operator.use-case';
import { RetryReversalUseCase } from './retry-reversal/retry-reversal.use-case';

@Module({
  // Backpressure: the saga's lag, which the routes that start a payment are admitted by (SagaAdmissionGuard).
  imports: [LimitsModule, AdmissionModule],
  controllers: [PaymentsController, BankResponsesConsumer],
  providers: [
    // Every change of a payment goes through this one step (transition, automatic step, timers, alerts).
    PaymentTransitionStep,
    InitiatePaymentUseCase,
    ApplyBankLegResultUseCase,
    // Locks a consumer chunk's payments with one statement before its answers are applied (main.ts).
    LockChunkPayments,
    GetPaymentUseCase,
    ListMyPaymentsUseCase,
    CheckPendingLegsUseCase,
    AlertOverdueReversalsUseCase,
    // The operator path (exposed by the operator API, apps/payments/src/operations).
    RetryReversalUseCase,
    ResolveReversalByOperatorUseCase,
    ListPaymentsNeedingOperatorUseCase,
    // Status checks of legs whose answer is late: started at bootstrap, stopped at shutdown.
    PendingLegPoller,
    // Points the status-check and reversal gauges of /metrics at the database.
    PaymentBacklogGauges,
    { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
    { provide: IdempotencyKeyRepository, useClass: TypeOrmIdempotencyKeyRepository },
    { provide: PaymentHistoryRepository, useClass: TypeOrmPaymentHistoryRepository },
    {
      provide: PartyDirectory,
      inject: [InternalHttpClient, PaymentsConfig],
      useFactory: (client: InternalHttpClient, config: PaymentsConfig) => new HttpPartyDirectory(client, config.PARTY_LOOKUP_CALLS_IN_FLIGHT),
    },
    { provide: LEG_CHECK_INTERVAL_MS, inject: [PaymentsConfig], useFactory: (config: PaymentsConfig) => config.PAYMENT_LEG_CHECK_INTERVAL_MS },
    { provide: Clock, useClass: SystemClock },
    { provide: IdGenerator, useClass: RandomIdGenerator },
  ],
  exports: [
    RetryReversalUseCase,
    ResolveReversalByOperatorUseCase,
    ListPaymentsNeedingOperatorUseCase,
    // Merchant orders and refunds are payments too (apps/payments/src/merchant): the same step, storage and keys.
    PaymentTransitionStep,
    // A collect request between people is approved by an ordinary P2P payment (apps/payments/src/collect).
    InitiatePaymentUseCase,
    PaymentRepository,
    IdempotencyKeyRepository,
    PartyDirectory,
    Clock,
    IdGenerator,
    // So the merchant-order and collect-request routes that start a payment can use SagaAdmissionGuard.
    AdmissionModule,
  ],
})
export class PaymentModule {}
