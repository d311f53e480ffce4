import type { InTransaction } from '@kirim/messaging';
import {
  MAX_ENABLED_ENDPOINTS_PER_MERCHANT,
  MerchantWebhookEndpoint,
  MerchantWebhookEndpointRepository,
  merchantEndpointKey,
  RegisterOutcome,
} from '../delivery/merchant-webhook/merchant-webhook-endpoint';
import { KnownMerchant, MerchantDirectory } from '../merchant-webhooks/merchant-directory';
import { WebhookSecretSource } from '../merchant-webhooks/webhook-secret-source';

export const OWNER = '7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
export const STRANGER = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
export const MERCHANT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
export const OTHER_MERCHANT = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';

export function knownMerchant(overrides: Partial<KnownMerchant> = {}): KnownMerchant {
  return { merchantId: MERCHANT, ownerUserId: OWNER, displayName: 'Chai Point', onboardedAt: new Date('2026-11-01T09:00:00.000Z'), ...overrides };
}

/** MerchantDirectory in memory, keeping the first record of each merchant as the adapter does. */
export class InMemoryMerchantDirectory extends MerchantDirectory {
  readonly merchants = new Map<string, KnownMerchant>();

  constructor(...merchants: KnownMerchant[]) {
    super();
    for (const merchant of merchants) this.merchants.set(merchant.merchantId, merchant);
  }

  async record(_tx: InTransaction, merchant: KnownMerchant): Promise<void> {
    if (!this.merchants.has(merchant.merchantId)) this.merchants.set(merchant.merchantId, merchant);
  }

  async findById(merchantId: string): Promise<KnownMerchant | null> {
    return this.merchants.get(merchantId) ?? null;
  }

  async findByIdIn(_tx: InTransaction, merchantId: string): Promise<KnownMerchant | null> {
    return this.merchants.get(merchantId) ?? null;
  }
}

/**
 * MerchantWebhookEndpointRepository in memory, with the adapter's rules (the limit on enabled
 * endpoints, rotation of enabled ones only, disabling once); `endedDeliveriesOf` records the
 * endpoint keys whose deliveries a disabling ended.
 */
export class InMemoryMerchantWebhookEndpoints extends MerchantWebhookEndpointRepository {
  readonly rows = new Map<string, MerchantWebhookEndpoint>();
  readonly endedDeliveriesOf: string[] = [];

  async register(endpoint: MerchantWebhookEndpoint): Promise<RegisterOutcome> {
    const enabled = [...this.rows.values()].filter((e) => e.merchantId === endpoint.merchantId && e.status === 'enabled').length;
    if (enabled >= MAX_ENABLED_ENDPOINTS_PER_MERCHANT) return { outcome: 'limit-reached', limit: MAX_ENABLED_ENDPOINTS_PER_MERCHANT };
    this.rows.set(endpoint.endpointId, endpoint);
    return { outcome: 'registered' };
  }

  async findById(endpointId: string): Promise<MerchantWebhookEndpoint | null> {
    return this.rows.get(endpointId) ?? null;
  }

  async listOfMerchant(merchantId: string): Promise<MerchantWebhookEndpoint[]> {
    return [...this.rows.values()].filter((e) => e.merchantId === merchantId);
  }

  async rotateSecret(endpointId: string, secret: string, previousSecretExpiresAt: Date, now: Date): Promise<MerchantWebhookEndpoint | null> {
    const endpoint = this.rows.get(endpointId);
    if (endpoint === undefined || endpoint.status !== 'enabled') return null;
    const rotated: MerchantWebhookEndpoint = { ...endpoint, secret, previousSecret: endpoint.secret, previousSecretExpiresAt, secretRotatedAt: now };
    this.rows.set(endpointId, rotated);
    return rotated;
  }

  async disable(endpointId: string, now: Date): Promise<MerchantWebhookEndpoint | null> {
    const endpoint = this.rows.get(endpointId);
    if (endpoint === undefined) return null;
    if (endpoint.status === 'disabled') return endpoint;
    const disabled: MerchantWebhookEndpoint = { ...endpoint, status: 'disabled', disabledAt: now };
    this.rows.set(endpointId, disabled);
    this.endedDeliveriesOf.push(merchantEndpointKey(endpointId));
    return disabled;
  }

  async enabledIdsOf(_tx: InTransaction, merchantId: string): Promise<string[]> {
    return [...this.rows.values()].filter((e) => e.merchantId === merchantId && e.status === 'enabled').map((e) => e.endpointId);
  }

  async allEnabled(): Promise<MerchantWebhookEndpoint[]> {
    return [...this.rows.values()].filter((e) => e.status === 'enabled');
  }
}

/** Secrets in the real format, numbered so a test can tell which is which: whsec_ + base64 of 32 bytes of n. */
export class SequentialWebhookSecrets extends WebhookSecretSource {
  private next = 1;

  newSecret(): string {
    return `whsec_${Buffer.alloc(32, this.next++).toString('base64')}`;
  }
}
