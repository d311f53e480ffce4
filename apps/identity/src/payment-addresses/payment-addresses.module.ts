import { Module } from '@nestjs/common';
import { IdentityConfig } from '../identity.config';
import { AddPaymentAddress } from './add-payment-address/add-payment-address.use-case';
import { CreateDefaultPaymentAddress } from './create-default-payment-address/create-default-payment-address.use-case';
import { ListPaymentAddresses } from './list-payment-addresses/list-payment-addresses.use-case';
import { MerchantAddressesController } from './merchant-addresses.controller';
import { MakePaymentAddressPrimary } from './make-payment-address-primary/make-payment-address-primary.use-case';
import { PaymentAddressPolicy } from './payment-address-policy';
import { PaymentAddressesController } from './payment-addresses.controller';
import { RemovePaymentAddress } from './remove-payment-address/remove-payment-address.use-case';
import { ReserveMerchantAddress } from './reserve-merchant-address/reserve-merchant-address.use-case';

/**
 * Payment addresses, users' and merchants' (the internal reserve-merchant-address that payments
 * calls). Exports CreateDefaultPaymentAddress for the code that creates users (it runs in their
 * transaction); PaymentAddressRepository is bound in IdentityPersistenceModule, as the others are.
 */
@Module({
  controllers: [PaymentAddressesController, MerchantAddressesController],
  providers: [
    { provide: PaymentAddressPolicy, inject: [IdentityConfig], useFactory: (config: IdentityConfig) => new PaymentAddressPolicy(config.PAYMENT_ADDRESSES_PER_USER) },
    CreateDefaultPaymentAddress,
    AddPaymentAddress,
    ListPaymentAddresses,
    MakePaymentAddressPrimary,
    RemovePaymentAddress,
    ReserveMerchantAddress,
  ],
  exports: [CreateDefaultPaymentAddress],
})
export class PaymentAddressesModule {}
