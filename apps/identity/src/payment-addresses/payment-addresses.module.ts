import { Module } from '@nestjs/common';
import { IdentityConfig } from '../identity.config';
import { AddPaymentAddress } from './add-payment-address/add-payment-address.use-case';
import { CreateDefaultPaymentAddress } from './create-default-payment-address/create-default-payment-address.use-case';
import { ListPaymentAddresses } from './list-payment-addresses/list-payment-addresses.use-case';
import { MakePaymentAddressPrimary } from './make-payment-address-primary/make-payment-address-primary.use-case';
import { PaymentAddressPolicy } from './payment-address-policy';
import { PaymentAddressesController } from './payment-addresses.controller';
import { RemovePaymentAddress } from './remove-payment-address/remove-payment-address.use-case';

/**
 * Payment addresses. Exports CreateDefaultPaymentAddress for the code that creates users (it runs in
 * their transaction); PaymentAddressRepository is bound in IdentityPersistenceModule, as the others are.
 */
@Module({
  controllers: [PaymentAddressesController],
  providers: [
    { provide: PaymentAddressPolicy, inject: [IdentityConfig], useFactory: (config: IdentityConfig) => new PaymentAddressPolicy(config.PAYMENT_ADDRESSES_PER_USER) },
    CreateDefaultPaymentAddress,
    AddPaymentAddress,
    ListPaymentAddresses,
    MakePaymentAddressPrimary,
    RemovePaymentAddress,
  ],
  exports: [CreateDefaultPaymentAddress],
})
export class PaymentAddressesModule {}
