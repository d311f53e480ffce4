import { Module } from '@nestjs/common';
import { PayeesModule } from '../payees/payees.module';
import { PaymentPartiesController } from './payment-parties.controller';
import { PaymentPartyReader } from './payment-party-reader';
import { ResolvePaymentParties } from './resolve-payment-parties/resolve-payment-parties.use-case';
import { TypeOrmPaymentPartyReader } from './typeorm-payment-party-reader';

@Module({
  imports: [PayeesModule],
  controllers: [PaymentPartiesController],
  providers: [{ provide: PaymentPartyReader, useClass: TypeOrmPaymentPartyReader }, ResolvePaymentParties],
})
export class PaymentPartiesModule {}
