import { MESSAGING_ENTITIES } from '@kirim/messaging';
import { NotificationEntity } from '../notifications/notification.entity';

/** notifications' own tables plus the shared outbox and inbox. */
export const NOTIFICATIONS_ENTITIES = [...MESSAGING_ENTITIES, NotificationEntity];
