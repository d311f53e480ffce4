import { Webhook } from 'standardwebhooks';
import { type Clock, type HttpTransport, type HttpTransportResponse, undiciTransport } from '@kirim/platform';
import { parseRetryAfter } from '../backoff';
import type { DeliveryOutcome } from '../delivery';

export interface StandardWebhookRequest {
  readonly url: string;
  /** `webhook-id`: the delivery id, the same on every attempt and replay, so the receiver keeps one copy. */
  readonly webhookId: string;
  /** The body's `{ type, timestamp, data }`, serialised once: what is signed is what is sent. */
  readonly payload: string;
  readonly sentAt: Date;
  /**
   * The endpoint's secrets (`whsec_` + base64): one signature each in `webhook-signature`, separated
   * by spaces, so a receiver holding either the new or the old secret during a rotation verifies.
   */
  readonly secrets: readonly string[];
  readonly timeoutMs: number;
}

/**
 * One POST signed per Standard Webhooks with the `standardwebhooks` package, and what its answer
 * means: 2xx delivered; 408, 429, 5xx, a network error or no answer within the timeout are worth
 * retrying (Retry-After is passed on); any other status (4xx, and 3xx: redirects are not followed, a
 * moved endpoint is a configuration error) is permanent. Never throws for what the endpoint did.
 * Reasons name the status or the error's kind, never the URL or a body (they are stored and logged).
 */
export async function postStandardWebhook(request: StandardWebhookRequest, clock: Clock, transport: HttpTransport = undiciTransport): Promise<DeliveryOutcome> {
  const signatures = request.secrets.map((secret) => new Webhook(secret).sign(request.webhookId, request.sentAt, request.payload));
  const headers = {
    'content-type': 'application/json',
    'webhook-id': request.webhookId,
    'webhook-timestamp': String(Math.floor(request.sentAt.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
  let response: HttpTransportResponse;
  try {
    // Redirects are not followed (an HttpTransport never does): a 3xx is the answer.
    response = await transport(request.url, { method: 'POST', headers, body: request.payload, signal: AbortSignal.timeout(request.timeoutMs) });
  } catch (error: unknown) {
    return { kind: 'retryable', reason: describeRequestError(error, request.timeoutMs) };
  }
  // The body is not read (nothing in it changes the outcome), but it must be released.
  await response.body?.cancel().catch(() => undefined);
  return outcomeOf(response.status, response.headers.get('retry-after'), clock.now());
}

/** The outcome an HTTP status means (see postStandardWebhook). */
export function outcomeOf(status: number, retryAfter: string | null, now: Date): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return { kind: 'retryable', reason: `HTTP ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'permanent', reason: `HTTP ${status}` };
}

/**
 * A failed request as a reason: a timeout, or the network error's code; never the URL. fetch wraps
 * the error (`cause.code`); undici's request API throws it as is (`code`).
 */
export function describeRequestError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? ((error.cause as { code?: unknown } | undefined) ?? (error as { code?: unknown })) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code !== undefined ? `network error ${code}` : 'network error';
}
