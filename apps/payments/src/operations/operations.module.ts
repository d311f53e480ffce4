import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PaymentModule } from '../payment/payment.module';
import { DeadLettersController } from './dead-letters.controller';
import { ListNeedsOperator } from './list-needs-operator/list-needs-operator.use-case';
import { OutboxQuarantineController } from './outbox-quarantine.controller';
import { PaymentFlags } from './payment-flags.repository';
import { PaymentsNeedingOperatorController } from './payments-needing-operator.controller';
import { ReplayDeadLetter } from './replay-dead-letter/replay-dead-letter.use-case';
import { TypeOrmPaymentFlags } from './typeorm-payment-flags.repository';

/**
 * payments' operator API (docs/operations.md): payments needing an operator, dead letters, the
 * outbox quarantine and failed reversals, behind operator keys on payments' own port. The
 * dead-letter store, replayer and quarantine come from MessagingModule; the reversal use cases from
 * PaymentModule.
 */
@Module({
  imports: [PaymentModule],
  controllers: [PaymentsNeedingOperatorController, DeadLettersController, OutboxQuarantineController],
  providers: [ListNeedsOperator, ReplayDeadLetter, { provide: PaymentFlags, inject: [DataSource], useFactory: (dataSource: DataSource) => new TypeOrmPaymentFlags(dataSource) }],
})
export class OperationsModule {}
