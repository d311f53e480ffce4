import { CreateMessagingRecoveryTables1764700000000, CreateMessagingTables1764288000000 } from '@kirim/messaging';
import { CreateSandboxBank1764300000000 } from './1764300000000-create-sandbox-bank';
import { CreatePartnerTables1764500000000 } from './1764500000000-create-partner-tables';
import { CreateSandboxUpiPins1764630000000 } from './1764630000000-create-sandbox-upi-pins';
import { AddSandboxAccountFreeze1764730000000 } from './1764730000000-add-sandbox-account-freeze';
import { AllowRefundLegs1764740000000 } from './1764740000000-allow-refund-legs';
import { AllowKeyedUpiPinHashes1765400000000 } from './1765400000000-allow-keyed-upi-pin-hashes';

/** In order: the messaging tables (outbox, inbox) first, then the sandbox bank, then partner banks. */
export const BANK_CONNECTOR_MIGRATIONS = [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000, CreateSandboxBank1764300000000, CreatePartnerTables1764500000000, CreateSandboxUpiPins1764630000000, AddSandboxAccountFreeze1764730000000, AllowRefundLegs1764740000000, AllowKeyedUpiPinHashes1765400000000];
