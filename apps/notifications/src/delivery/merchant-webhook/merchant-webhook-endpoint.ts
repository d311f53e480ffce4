import { randomBytes } from 'node:crypto';
import type { InTransaction } from '@kirim/messaging';

/**
 * A merchant's webhook endpoint (docs/notifications.md, "Merchant webhooks"): where notifications
 * posts its order's payment and refund events, signed per Standard Webhooks with the endpoint's own
 * secret. The merchant's owner registers, rotates and disables endpoints through the API.
 */
export const MERCHANT_WEBHOOK_ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export type MerchantWebhookEndpointStatus = (typeof MERCHANT_WEBHOOK_ENDPOINT_STATUSES)[number];

export interface MerchantWebhookEndpoint {
  readonly endpointId: string;
  readonly merchantId: string;
  readonly url: string;
  readonly status: MerchantWebhookEndpointStatus;
  /** `whsec_` + base64: what every delivery is signed with (encrypted at rest). */
  readonly secret: string;
  /** The secret before the last rotation: still signs, beside the new one, until `previousSecretExpiresAt`. */
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly createdAt: Date;
  readonly secretRotatedAt: Date | null;
  readonly disabledAt: Date | null;
}

/** Enabled endpoints one merchant may have at once: enough for a move from one URL to another, and a spare. */
export const MAX_ENABLED_ENDPOINTS_PER_MERCHANT = 3;

/** Random bytes in a new secret (Standard Webhooks: 24 to 64). */
const SECRET_BYTES = 32;

/** A new signing secret in the Standard Webhooks form the `standardwebhooks` package reads. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The prefix of a merchant endpoint's key on its delivery rows; the chat platform's is `chat`. */
export const MERCHANT_ENDPOINT_KEY_PREFIX = 'merchant:';

/** Whether a delivery's endpoint key is a merchant endpoint's. */
export function isMerchantEndpointKey(endpointKey: string): boolean {
  return endpointKey.startsWith(MERCHANT_ENDPOINT_KEY_PREFIX);
}

/** The key stored on the endpoint's deliveries (the worker's lanes and circuit breakers are per key). */
export function merchantEndpointKey(endpointId: string): string {
  return `${MERCHANT_ENDPOINT_KEY_PREFIX}${endpointId}`;
}

/**
 * The secrets a delivery is signed with at `now`: the current one, and the previous one while its
 * overlap lasts, so a merchant that has not yet switched still verifies (Standard Webhooks puts one
 * `v1,<signature>` per secret in `webhook-signature`, separated by spaces).
 */
export function signingSecrets(endpoint: Pick<MerchantWebhookEndpoint, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: Date): string[] {
  const overlapping = endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt.getTime() > now.getTime();
  return overlapping && endpoint.previousSecret !== null ? [endpoint.secret, endpoint.previousSecret] : [endpoint.secret];
}

export type RegisterOutcome = { readonly outcome: 'registered' } | { readonly outcome: 'limit-reached'; readonly limit: number };

/**
 * Where merchant endpoints are kept (a port; the adapter encrypts the secrets, docs/data-at-rest.md).
 * Use cases give and get clear secrets.
 */
export abstract class MerchantWebhookEndpointRepository {
  /**
   * Stores a new enabled endpoint unless the merchant has MAX_ENABLED_ENDPOINTS_PER_MERCHANT enabled
   * already (counted under a lock on the merchant, so racing registrations cannot exceed it).
   */
  abstract register(endpoint: MerchantWebhookEndpoint): Promise<RegisterOutcome>;

  abstract findById(endpointId: string): Promise<MerchantWebhookEndpoint | null>;

  /** One merchant's endpoints, enabled and disabled, oldest first. */
  abstract listOfMerchant(merchantId: string): Promise<MerchantWebhookEndpoint[]>;

  /** Replaces the secret of an enabled endpoint, keeping the old one until `previousSecretExpiresAt`; null if not enabled. */
  abstract rotateSecret(endpointId: string, secret: string, previousSecretExpiresAt: Date, now: Date): Promise<MerchantWebhookEndpoint | null>;

  /**
   * Disables an endpoint for good, and in the same transaction ends its deliveries not yet made (dead,
   * "endpoint disabled"): nothing more is sent to it. Disabling it again changes nothing.
   */
  abstract disable(endpointId: string, now: Date): Promise<MerchantWebhookEndpoint | null>;

  /** The ids of one merchant's enabled endpoints, read in the caller's transaction (deliveries are written there). */
  abstract enabledIdsOf(tx: InTransaction, merchantId: string): Promise<string[]>;

  /** Every enabled endpoint (the delivery worker serves each). */
  abstract allEnabled(): Promise<MerchantWebhookEndpoint[]>;
}
