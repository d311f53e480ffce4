import { Module } from '@nestjs/common';
import { PayeesModule } from '../payees/payees.module';
import { PaymentPartiesController } from './payment-parties.controller';
import { ResolvePaymentParties } from './resolve-payment-parties/resolve-payment-parties.use-case';

@Module({
  imports: [PayeesModule],
  controllers: [PaymentPartiesController],
  providers: [ResolvePaymentParties],
})
export class PaymentPartiesModule {}
