import { Module } from '@nestjs/common';
import { PaymentsConfig, paymentMaxAmountMinor } from '../payments.config';
import { ApplyBankLegResultUseCase } from './apply-bank-leg-result/apply-bank-leg-result.use-case';
import { BankResponsesConsumer } from './bank-responses.consumer';
import { Clock, IdGenerator, RandomIdGenerator, SystemClock } from './clock';
import { GetPaymentUseCase } from './get-payment/get-payment.use-case';
import { HttpPartyDirectory, HttpPartyDirectoryOptions, PARTY_DIRECTORY_OPTIONS } from './http-party-directory';
import { InitiatePaymentUseCase, PAYMENT_MAX_AMOUNT_MINOR } from './initiate-payment/initiate-payment.use-case';
import { PartyDirectory } from './party-directory';
import { IdempotencyKeyRepository, PaymentRepository, TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from './payment.repository';
import { PaymentsController } from './payments.controller';

@Module({
  controllers: [PaymentsController, BankResponsesConsumer],
  providers: [
    InitiatePaymentUseCase,
    ApplyBankLegResultUseCase,
    GetPaymentUseCase,
    { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
    { provide: IdempotencyKeyRepository, useClass: TypeOrmIdempotencyKeyRepository },
    { provide: PartyDirectory, useClass: HttpPartyDirectory },
    {
      provide: PARTY_DIRECTORY_OPTIONS,
      inject: [PaymentsConfig],
      useFactory: (config: PaymentsConfig): HttpPartyDirectoryOptions => ({ identityUrl: config.IDENTITY_URL }),
    },
    { provide: PAYMENT_MAX_AMOUNT_MINOR, inject: [PaymentsConfig], useFactory: paymentMaxAmountMinor },
    { provide: Clock, useClass: SystemClock },
    { provide: IdGenerator, useClass: RandomIdGenerator },
  ],
})
export class PaymentModule {}
