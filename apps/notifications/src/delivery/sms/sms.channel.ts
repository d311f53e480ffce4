import { type Clock, type HttpTransport, type HttpTransportResponse, undiciTransport } from '@kirim/platform';
import type { ClaimedDelivery, DeliveryOutcome } from '../delivery';
import { DeliveryChannel } from '../delivery-channel';
import { describeRequestError, outcomeOf } from '../standard-webhook/post-standard-webhook';
import { SmsNumbers } from './sms-numbers';
import { smsTextOf } from './sms-text';

/** The endpoint key of the one SMS provider, stored on its deliveries. */
export const SMS_ENDPOINT_KEY = 'sms';

export interface SmsProviderOptions {
  /** The provider's outbound-message API: https, or http for a provider on this machine. */
  readonly url: string;
  /** kirim's API key at the provider, sent as a Bearer token. */
  readonly apiKey: string;
  /** For each of the two calls of an attempt (identity, then the provider). */
  readonly timeoutMs: number;
  /** Injected for tests; undiciTransport otherwise. */
  readonly transport?: HttpTransport;
}

/** What the provider is asked to send: `reference` is the delivery id, the same on every attempt. */
export interface OutboundSms {
  readonly to: string;
  readonly text: string;
  readonly reference: string;
}

/**
 * Receipts by SMS, to users without the app (audience 'users-without-app': receipt-deliveries.ts
 * writes a delivery here only for them). Each attempt asks identity for the recipient's number, then
 * POSTs `{ to, text, reference }` to the provider with the API key. `reference` is the delivery id,
 * so a provider that got an attempt whose answer was lost drops the copy (delivery is at least once;
 * docs/notifications.md). The provider's answer means what a webhook's does (outcomeOf): 2xx sent;
 * 408, 429, 5xx, a network error or a timeout retried; any other status permanent.
 *
 * The number and the text are never logged or stored: reasons name a status or an error's kind.
 */
export class SmsChannel extends DeliveryChannel {
  readonly channel = 'sms' as const;
  override readonly audience = 'users-without-app' as const;
  readonly endpointKey = SMS_ENDPOINT_KEY;

  constructor(
    private readonly options: SmsProviderOptions,
    private readonly numbers: SmsNumbers,
    private readonly clock: Clock,
  ) {
    super();
  }

  async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    // Only receipts are written for this endpoint; anything else is a wiring bug, not worth retrying.
    if (delivery.notification === undefined) return { kind: 'permanent', reason: "not a receipt: SMS carries users' receipts only" };
    const number = await this.numbers.numberOf(delivery.notification.recipientUserId);
    if (number.kind === 'none') return { kind: 'permanent', reason: 'no phone number' };
    if (number.kind === 'unavailable') return { kind: 'retryable', reason: `phone number unavailable: ${number.reason}` };

    const sms: OutboundSms = { to: number.phone, text: smsTextOf(delivery.notification), reference: delivery.deliveryId };
    let response: HttpTransportResponse;
    try {
      // Redirects are never followed (an HttpTransport does not): a moved API is a configuration
      // error, not somewhere to send the number and the text.
      response = await (this.options.transport ?? undiciTransport)(this.options.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(sms),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error: unknown) {
      return { kind: 'retryable', reason: describeRequestError(error, this.options.timeoutMs) };
    }
    // The body is not read (the status decides), but it must be released.
    await response.body?.cancel().catch(() => undefined);
    return outcomeOf(response.status, response.headers.get('retry-after'), this.clock.now());
  }
}
