import { BaseServiceConfig } from '@kirim/platform';

/**
 * notifications needs nothing beyond the base service settings yet. Its own variables (SMS
 * provider, webhook signing keys) will be added here, each with a validator, as those channels land.
 */
export class NotificationsConfig extends BaseServiceConfig {}
