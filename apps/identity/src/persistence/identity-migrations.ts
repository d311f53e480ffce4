import { CreateMessagingTables1764288000000 } from '@kirim/messaging';
import { CreateIdentityTables1764300000000 } from '../migrations/1764300000000-create-identity-tables';

/** In order: the shared outbox/inbox tables first, then identity's own. */
export const IDENTITY_MIGRATIONS = [CreateMessagingTables1764288000000, CreateIdentityTables1764300000000];
