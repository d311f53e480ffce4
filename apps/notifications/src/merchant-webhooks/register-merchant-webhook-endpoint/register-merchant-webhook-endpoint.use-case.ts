import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, IdGenerator } from '@kirim/platform';
import { MerchantWebhookEndpoint, MerchantWebhookEndpointRepository } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { MerchantDirectory } from '../merchant-directory';
import { MerchantWebhookFailure, merchantWebhookFailure } from '../merchant-webhook-problems';
import { MERCHANT_WEBHOOK_SETTINGS, MerchantWebhookSettings } from '../merchant-webhook-settings';
import { WebhookSecretSource } from '../webhook-secret-source';
import { checkWebhookUrl, webhookUrlOrigin } from '../webhook-url';

export interface RegisterMerchantWebhookEndpointCommand {
  /** The caller, as their access token says. */
  readonly ownerUserId: string;
  readonly merchantId: string;
  readonly url: string;
}

/** `endpoint.secret` is answered this once (and again only by a rotation's new one); it is stored encrypted. */
export type RegisterMerchantWebhookEndpointOutcome = { readonly ok: true; readonly endpoint: MerchantWebhookEndpoint } | MerchantWebhookFailure;

/**
 * A merchant's owner registers where the merchant's webhooks go (docs/notifications.md, "Merchant
 * webhooks"). The URL must pass the webhook URL rules; the endpoint gets its own new signing secret.
 * At most MAX_ENABLED_ENDPOINTS_PER_MERCHANT are enabled at once, counted under a lock on the
 * merchant. Anyone but the owner is told the merchant does not exist.
 */
@Injectable()
export class RegisterMerchantWebhookEndpoint {
  private readonly logger = new Logger(RegisterMerchantWebhookEndpoint.name);

  constructor(
    private readonly directory: MerchantDirectory,
    private readonly endpoints: MerchantWebhookEndpointRepository,
    private readonly secrets: WebhookSecretSource,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(MERCHANT_WEBHOOK_SETTINGS) private readonly settings: MerchantWebhookSettings,
  ) {}

  async execute(command: RegisterMerchantWebhookEndpointCommand): Promise<RegisterMerchantWebhookEndpointOutcome> {
    const merchant = await this.directory.findById(command.merchantId);
    if (merchant === null || merchant.ownerUserId !== command.ownerUserId) return merchantWebhookFailure('merchant-not-found', 'No such merchant.');
    const checked = checkWebhookUrl(command.url, this.settings.urlRules);
    if (!checked.ok) return merchantWebhookFailure('url-invalid', `${checked.reason}.`);
    const endpoint: MerchantWebhookEndpoint = {
      endpointId: this.ids.uuid(),
      merchantId: merchant.merchantId,
      url: checked.url,
      status: 'enabled',
      secret: this.secrets.newSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: this.clock.now(),
      secretRotatedAt: null,
      disabledAt: null,
    };
    const registered = await this.endpoints.register(endpoint);
    if (registered.outcome === 'limit-reached') {
      return merchantWebhookFailure('endpoint-limit', `A merchant has at most ${registered.limit} enabled webhook endpoints; disable one before registering another.`);
    }
    // The origin only: a path or query may carry the merchant's own token.
    this.logger.log({ merchantId: endpoint.merchantId, endpointId: endpoint.endpointId, origin: webhookUrlOrigin(endpoint.url) }, 'merchant webhook endpoint registered');
    return { ok: true, endpoint };
  }
}
