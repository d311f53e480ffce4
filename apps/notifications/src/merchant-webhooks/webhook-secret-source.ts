import { Injectable } from '@nestjs/common';
import { newWebhookSecret } from '../delivery/merchant-webhook/merchant-webhook-endpoint';

/**
 * Where new signing secrets come from (a port, like the clock and ids: use cases make none
 * themselves, so tests can tell which secret went where).
 */
export abstract class WebhookSecretSource {
  /** A fresh Standard Webhooks secret (`whsec_` + base64 of random bytes). */
  abstract newSecret(): string;
}

@Injectable()
export class RandomWebhookSecretSource extends WebhookSecretSource {
  newSecret(): string {
    return newWebhookSecret();
  }
}
