import { Global, Module } from '@nestjs/common';
import { LinkedBankAccountRepository } from '../bank-accounts/linked-bank-account.repository';
import { TypeOrmLinkedBankAccountRepository } from '../bank-accounts/typeorm-linked-bank-account.repository';
import { DeviceBindingRepository } from '../device-bindings/device-binding.repository';
import { TypeOrmDeviceBindingRepository } from '../device-bindings/typeorm-device-binding.repository';
import { PaymentAddressRepository } from '../payment-addresses/payment-address.repository';
import { TypeOrmPaymentAddressRepository } from '../payment-addresses/typeorm-payment-address.repository';
import { TypeOrmUserRepository } from '../users/typeorm-user.repository';
import { UserRepository } from '../users/user.repository';

/** Binds identity's persistence ports to TypeORM (TransactionRunner comes from MessagingModule). */
@Global()
@Module({
  providers: [
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: LinkedBankAccountRepository, useClass: TypeOrmLinkedBankAccountRepository },
    // Global: AuthModule's guard asks it whether a token's binding is still active.
    { provide: DeviceBindingRepository, useClass: TypeOrmDeviceBindingRepository },
    // Global: payees/ resolves by address, and user creation makes the default one.
    { provide: PaymentAddressRepository, useClass: TypeOrmPaymentAddressRepository },
  ],
  exports: [UserRepository, LinkedBankAccountRepository, DeviceBindingRepository, PaymentAddressRepository],
})
export class IdentityPersistenceModule {}
