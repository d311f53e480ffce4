import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { MerchantWebhook } from '@kirim/contracts';
import type { Clock, HttpTransport } from '@kirim/platform';
import type { ClaimedDelivery, DeliveryOutcome, MerchantEventMessage } from '../delivery';
import { DeliveryChannel } from '../delivery-channel';
import { postStandardWebhook } from '../standard-webhook/post-standard-webhook';
import { isNonPublicAddress } from '../../merchant-webhooks/webhook-url';
import { MerchantWebhookEndpoint, merchantEndpointKey, signingSecrets } from './merchant-webhook-endpoint';

export interface MerchantWebhookChannelOptions {
  readonly timeoutMs: number;
  /** MERCHANT_WEBHOOK_HTTP_ALLOWED: a local stack's receivers are on this machine. */
  readonly allowNonPublicHosts: boolean;
  /** Injected for tests; undiciTransport otherwise. */
  readonly transport?: HttpTransport;
}

/**
 * One merchant's webhook endpoint: one POST per delivery of the merchant's events, signed per
 * Standard Webhooks with the endpoint's secret, and with the previous one too while a rotation's
 * overlap lasts (postStandardWebhook says what each answer means). Built from the endpoint's row
 * at each tick of the worker, so a rotation or a disabling is seen at the next one; its lane makes
 * one pass per tick for the same reason (refreshedEachTick).
 *
 * A URL was checked when it was registered, but a name can resolve to a private address later (or
 * from the start): each attempt resolves the host first and refuses one that resolves to a
 * loopback, private or link-local address. A name re-pointed between this lookup and fetch's own
 * is not caught; pinning the address needs an HTTP client with a lookup hook (none is a dependency).
 */
export class MerchantWebhookChannel extends DeliveryChannel {
  readonly channel = 'merchant-webhook' as const;
  readonly endpointKey: string;
  override readonly refreshedEachTick = true;

  constructor(
    private readonly endpoint: MerchantWebhookEndpoint,
    private readonly options: MerchantWebhookChannelOptions,
    private readonly clock: Clock,
  ) {
    super();
    this.endpointKey = merchantEndpointKey(endpoint.endpointId);
  }

  async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    // Deliveries are written per merchant's endpoint: another message here is a wiring bug, and
    // another merchant's event must never reach this endpoint.
    if (delivery.merchantEvent === undefined) return { kind: 'permanent', reason: "not a merchant event: a merchant's endpoint takes its own events only" };
    if (delivery.merchantEvent.merchantId !== this.endpoint.merchantId) return { kind: 'permanent', reason: "another merchant's event" };
    const refusal = this.options.allowNonPublicHosts ? undefined : await publicHostRefusal(new URL(this.endpoint.url).hostname, this.options.timeoutMs);
    if (refusal !== undefined) return refusal;
    const sentAt = this.clock.now();
    const payload = JSON.stringify(merchantWebhookPayload(delivery.merchantEvent, sentAt));
    return postStandardWebhook(
      { url: this.endpoint.url, webhookId: delivery.deliveryId, payload, sentAt, secrets: signingSecrets(this.endpoint, sentAt), timeoutMs: this.options.timeoutMs },
      this.clock,
      this.options.transport,
    );
  }
}

/** Why not to call `hostname` (it is or resolves to a non-public address, or does not resolve now); undefined to go ahead. */
async function publicHostRefusal(hostname: string, timeoutMs: number): Promise<DeliveryOutcome | undefined> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) return isNonPublicAddress(host) ? { kind: 'permanent', reason: 'the host is a non-public address' } : undefined;
  let addresses: { address: string }[];
  let timer: NodeJS.Timeout | undefined;
  try {
    // Bounded like the request itself: a slow resolver must not hold the attempt past its lease.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('lookup timed out'), { code: 'ETIMEOUT' })), timeoutMs);
    });
    addresses = await Promise.race([lookup(host, { all: true }), timedOut]);
  } catch (error: unknown) {
    const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
    return { kind: 'retryable', reason: code !== undefined ? `dns error ${code}` : 'dns error' };
  } finally {
    clearTimeout(timer);
  }
  return addresses.some(({ address }) => isNonPublicAddress(address)) ? { kind: 'permanent', reason: 'the host resolves to a non-public address' } : undefined;
}

/** The webhook's body, as libs/contracts declares it for merchants (MerchantWebhook). */
export function merchantWebhookPayload(event: MerchantEventMessage, sentAt: Date): MerchantWebhook {
  return { type: event.type, timestamp: sentAt.toISOString(), data: event.data };
}
