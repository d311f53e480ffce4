import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { MerchantWebhookEndpoint, MerchantWebhookEndpointRepository } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { MerchantDirectory } from '../merchant-directory';
import { MerchantWebhookFailure, merchantWebhookFailure } from '../merchant-webhook-problems';
import { MERCHANT_WEBHOOK_SETTINGS, MerchantWebhookSettings } from '../merchant-webhook-settings';
import { findOwnedEndpoint } from '../owned-webhook-endpoint';
import { WebhookSecretSource } from '../webhook-secret-source';

export interface RotateMerchantWebhookSecretCommand {
  readonly ownerUserId: string;
  readonly endpointId: string;
}

/** `endpoint.secret` is the new secret, answered this once; `endpoint.previousSecretExpiresAt` ends the overlap. */
export type RotateMerchantWebhookSecretOutcome = { readonly ok: true; readonly endpoint: MerchantWebhookEndpoint } | MerchantWebhookFailure;

/**
 * Gives an enabled endpoint a new signing secret. The one it replaces keeps signing beside it (both
 * signatures in `webhook-signature`) for MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS, so the merchant can
 * move its verifier to the new one without refusing a delivery. Rotating again within the overlap
 * ends the older secret at once: only the secret just replaced overlaps. A disabled endpoint is not
 * rotated (409): it is never sent to again.
 */
@Injectable()
export class RotateMerchantWebhookSecret {
  private readonly logger = new Logger(RotateMerchantWebhookSecret.name);

  constructor(
    private readonly directory: MerchantDirectory,
    private readonly endpoints: MerchantWebhookEndpointRepository,
    private readonly secrets: WebhookSecretSource,
    private readonly clock: Clock,
    @Inject(MERCHANT_WEBHOOK_SETTINGS) private readonly settings: MerchantWebhookSettings,
  ) {}

  async execute(command: RotateMerchantWebhookSecretCommand): Promise<RotateMerchantWebhookSecretOutcome> {
    const endpoint = await findOwnedEndpoint(this.endpoints, this.directory, command.ownerUserId, command.endpointId);
    if (endpoint === null) return merchantWebhookFailure('endpoint-not-found', 'No such webhook endpoint.');
    const disabled = merchantWebhookFailure('endpoint-disabled', 'The webhook endpoint is disabled; register a new one instead.');
    if (endpoint.status === 'disabled') return disabled;
    const now = this.clock.now();
    const rotated = await this.endpoints.rotateSecret(endpoint.endpointId, this.secrets.newSecret(), new Date(now.getTime() + this.settings.secretOverlapMs), now);
    // Null: it was disabled between the read and the rotation.
    if (rotated === null) return disabled;
    this.logger.log({ merchantId: rotated.merchantId, endpointId: rotated.endpointId, previousSecretExpiresAt: rotated.previousSecretExpiresAt }, 'merchant webhook secret rotated');
    return { ok: true, endpoint: rotated };
  }
}
