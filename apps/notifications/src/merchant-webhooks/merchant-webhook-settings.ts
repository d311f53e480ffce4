import type { NotificationsConfig } from '../notifications.config';
import type { WebhookUrlRules } from './webhook-url';

/** How the endpoint API treats URLs and rotations (from NotificationsConfig; tests give their own). */
export interface MerchantWebhookSettings {
  readonly urlRules: WebhookUrlRules;
  /** How long, after a rotation, the previous secret still signs beside the new one. */
  readonly secretOverlapMs: number;
}

/** Injection token of MerchantWebhookSettings. */
export const MERCHANT_WEBHOOK_SETTINGS = Symbol('MERCHANT_WEBHOOK_SETTINGS');

const HOUR_MS = 3_600_000;

export function merchantWebhookSettingsOf(config: NotificationsConfig): MerchantWebhookSettings {
  return {
    urlRules: { httpAllowed: config.MERCHANT_WEBHOOK_HTTP_ALLOWED },
    secretOverlapMs: config.MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS * HOUR_MS,
  };
}
