import { Injectable } from '@nestjs/common';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export type SmsWebhookCheck = { readonly ok: true; readonly webhookId: string; readonly payload: unknown } | { readonly ok: false; readonly reason: string };

/** Authenticates the SMS provider's webhooks; a port so use-case specs need no signatures. */
export abstract class SmsWebhookVerifier {
  abstract verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): SmsWebhookCheck;
}

const WEBHOOK_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Standard Webhooks (HMAC-SHA256 over id.timestamp.body with the shared secret; the library
 * refuses a timestamp more than 5 minutes off). Replays inside that window are caught by the
 * webhook-id, which ConfirmBindingBySms records once.
 */
@Injectable()
export class StandardWebhooksSmsVerifier extends SmsWebhookVerifier {
  private readonly webhook: Webhook;

  constructor(secret: string) {
    super();
    this.webhook = new Webhook(secret);
  }

  verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): SmsWebhookCheck {
    const id = single(headers['webhook-id']);
    const timestamp = single(headers['webhook-timestamp']);
    const signature = single(headers['webhook-signature']);
    if (id === undefined || timestamp === undefined || signature === undefined) return { ok: false, reason: 'webhook-id, webhook-timestamp and webhook-signature are required' };
    if (!WEBHOOK_ID.test(id)) return { ok: false, reason: 'webhook-id is malformed' };
    try {
      const payload = this.webhook.verify(rawBody, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
      return { ok: true, webhookId: id, payload };
    } catch (error: unknown) {
      // The library parses the body only after the signature matched: a signed non-JSON body is
      // authentic but malformed, so it goes on to validation (400), not to a 401.
      if (error instanceof SyntaxError) return { ok: true, webhookId: id, payload: null };
      return { ok: false, reason: error instanceof WebhookVerificationError ? error.message : 'the webhook cannot be verified' };
    }
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
