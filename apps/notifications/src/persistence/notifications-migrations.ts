import { CreateMessagingRecoveryTables1764700000000, CreateMessagingTables1764288000000 } from '@kirim/messaging';
import { CreateNotifications1764374400000 } from '../migrations/1764374400000-create-notifications';
import { CreateDeliveries1764800000000 } from '../migrations/1764800000000-create-deliveries';
import { AddRecipientPreferences1764912000000 } from '../migrations/1764912000000-add-recipient-preferences';
import { AddMerchantWebhooks1765000000000 } from '../migrations/1765000000000-add-merchant-webhooks';
import { AddRecipientAppPresence1765200000000 } from '../migrations/1765200000000-add-recipient-app-presence';
import { AddCollectReceipts1765300000000 } from '../migrations/1765300000000-add-collect-receipts';

/** In order: the shared outbox/inbox tables first, then notifications' own. */
export const NOTIFICATIONS_MIGRATIONS = [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000, CreateNotifications1764374400000, CreateDeliveries1764800000000, AddRecipientPreferences1764912000000, AddMerchantWebhooks1765000000000, AddRecipientAppPresence1765200000000, AddCollectReceipts1765300000000];
