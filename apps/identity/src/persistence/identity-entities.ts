import { LinkedBankAccountEntity } from '../bank-accounts/linked-bank-account.entity';
import { PaymentAddressEntity } from '../payment-addresses/payment-address.entity';
import { UserEntity } from '../users/user.entity';

export const IDENTITY_ENTITIES = [UserEntity, LinkedBankAccountEntity, PaymentAddressEntity];
