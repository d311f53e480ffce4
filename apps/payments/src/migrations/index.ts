import { CreateMessagingRecoveryTables1764700000000, CreateMessagingTables1764288000000 } from '@kirim/messaging';
import { CreatePaymentTables1764300000000 } from './1764300000000-create-payment-tables';
import { AddPaymentLegChecks1764400000000 } from './1764400000000-add-payment-leg-checks';
import { AddPayerLimitWindowIndex1764600000000 } from './1764600000000-add-payer-limit-window-index';
import { CreateReconciliationTables1764720000000 } from './1764720000000-create-reconciliation-tables';
import { CreatePaymentFlags1764720100000 } from './1764720100000-create-payment-flags';
import { AddPaymentEndings1764710000000 } from './1764710000000-add-payment-endings';
import { CreateMerchantTables1764740000000 } from './1764740000000-create-merchant-tables';
import { AddPaymentHistoryIndexes1764751000000 } from './1764751000000-add-payment-history-indexes';
import { CreateCollectRequests1764760000000 } from './1764760000000-create-collect-requests';
import { AddPersonCollectRequests1764780000000 } from './1764780000000-add-person-collect-requests';
import { CreatePayerUsageUnderLock1764800000000 } from './1764800000000-create-payer-usage-under-lock';
import { CreateInitiatePaymentWithinLimits1764810000000 } from './1764810000000-create-initiate-payment-within-limits';

/** In order; the messaging tables (outbox, inbox) come first. */
export const PAYMENTS_MIGRATIONS = [
  CreateMessagingTables1764288000000,
  CreateMessagingRecoveryTables1764700000000,
  CreatePaymentTables1764300000000,
  AddPaymentLegChecks1764400000000,
  AddPayerLimitWindowIndex1764600000000,
  CreateReconciliationTables1764720000000,
  CreatePaymentFlags1764720100000,
  AddPaymentEndings1764710000000,
  CreateMerchantTables1764740000000,
  AddPaymentHistoryIndexes1764751000000,
  CreateCollectRequests1764760000000,
  AddPersonCollectRequests1764780000000,
  CreatePayerUsageUnderLock1764800000000,
  CreateInitiatePaymentWithinLimits1764810000000,
];
