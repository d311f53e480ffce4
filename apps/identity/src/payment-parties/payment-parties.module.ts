import { Module } from '@nestjs/common';
import { PaymentPartiesController } from './payment-parties.controller';
import { ResolvePaymentParties } from './resolve-payment-parties/resolve-payment-parties.use-case';

@Module({
  controllers: [PaymentPartiesController],
  providers: [ResolvePaymentParties],
})
export class PaymentPartiesModule {}
