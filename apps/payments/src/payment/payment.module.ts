import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module';
import { legTimerPolicy, PaymentsConfig } from '../payments.config';
import { ApplyBankLegResultUseCase } from './apply-bank-leg-result/apply-bank-leg-result.use-case';
import { BankResponsesConsumer } from './bank-responses.consumer';
import { CheckPendingLegsUseCase } from './check-pending-legs/check-pending-legs.use-case';
import { LEG_CHECK_INTERVAL_MS, PendingLegPoller } from './check-pending-legs/pending-leg-poller';
import { Clock, IdGenerator, InternalHttpClient, RandomIdGenerator, SystemClock } from '@kirim/platform';
import { GetPaymentUseCase } from './get-payment/get-payment.use-case';
import { HttpPartyDirectory } from './http-party-directory';
import { InitiatePaymentUseCase } from './initiate-payment/initiate-payment.use-case';
import { LEG_TIMER_POLICY } from './leg-timer';
import { PartyDirectory } from './party-directory';
import { IdempotencyKeyRepository, PaymentRepository, TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from './payment.repository';
import { PaymentsController } from './payments.controller';

@Module({
  imports: [LimitsModule],
  controllers: [PaymentsController, BankResponsesConsumer],
  providers: [
    InitiatePaymentUseCase,
    ApplyBankLegResultUseCase,
    GetPaymentUseCase,
    CheckPendingLegsUseCase,
    // Status checks of legs whose answer is late: started at bootstrap, stopped at shutdown.
    PendingLegPoller,
    { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
    { provide: IdempotencyKeyRepository, useClass: TypeOrmIdempotencyKeyRepository },
    { provide: PartyDirectory, inject: [InternalHttpClient], useFactory: (client: InternalHttpClient) => new HttpPartyDirectory(client) },
    { provide: LEG_TIMER_POLICY, inject: [PaymentsConfig], useFactory: legTimerPolicy },
    { provide: LEG_CHECK_INTERVAL_MS, inject: [PaymentsConfig], useFactory: (config: PaymentsConfig) => config.PAYMENT_LEG_CHECK_INTERVAL_MS },
    { provide: Clock, useClass: SystemClock },
    { provide: IdGenerator, useClass: RandomIdGenerator },
  ],
})
export class PaymentModule {}
