import { CreateMessagingTables1764288000000 } from '@kirim/messaging';
import { CreatePaymentTables1764300000000 } from './1764300000000-create-payment-tables';
import { AddPaymentLegChecks1764400000000 } from './1764400000000-add-payment-leg-checks';
import { AddPayerLimitWindowIndex1764600000000 } from './1764600000000-add-payer-limit-window-index';

/** In order; the messaging tables (outbox, inbox) come first. */
export const PAYMENTS_MIGRATIONS = [
  CreateMessagingTables1764288000000,
  CreatePaymentTables1764300000000,
  AddPaymentLegChecks1764400000000,
  AddPayerLimitWindowIndex1764600000000,
];
