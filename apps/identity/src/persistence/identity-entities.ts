import { LinkedBankAccountEntity } from '../bank-accounts/linked-bank-account.entity';
import { UserEntity } from '../users/user.entity';

export const IDENTITY_ENTITIES = [UserEntity, LinkedBankAccountEntity];
