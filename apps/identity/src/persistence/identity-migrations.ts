import { CreateMessagingRecoveryTables1764700000000, CreateMessagingTables1764288000000 } from '@kirim/messaging';
import { CreateIdentityTables1764300000000 } from '../migrations/1764300000000-create-identity-tables';
import { CreateDeviceBindingTables1764620000000 } from '../migrations/1764620000000-create-device-binding-tables';
import { CreatePaymentAddresses1764640000000 } from '../migrations/1764640000000-create-payment-addresses';
import { AddMerchantHeldPaymentAddresses1764780000000 } from '../migrations/1764780000000-add-merchant-held-payment-addresses';
import { AddUserPreferences1764912000000 } from '../migrations/1764912000000-add-user-preferences';
import { AddUserAppPresence1765100000000 } from '../migrations/1765100000000-add-user-app-presence';

/**
 * In order: the shared outbox/inbox tables first, then identity's own. The migration that encrypts
 * personal data needs the keys and is added by identitySchema (identity.persistence.ts): use that.
 */
export const IDENTITY_MIGRATIONS = [
  CreateMessagingTables1764288000000,
  CreateMessagingRecoveryTables1764700000000,
  CreateIdentityTables1764300000000,
  CreateDeviceBindingTables1764620000000,
  CreatePaymentAddresses1764640000000,
  AddMerchantHeldPaymentAddresses1764780000000,
  AddUserPreferences1764912000000,
  AddUserAppPresence1765100000000,
];
