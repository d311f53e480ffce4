import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID } from 'class-validator';
import { MAX_ENABLED_ENDPOINTS_PER_MERCHANT, MERCHANT_WEBHOOK_ENDPOINT_STATUSES, MerchantWebhookEndpoint, MerchantWebhookEndpointStatus } from '../delivery/merchant-webhook/merchant-webhook-endpoint';
import { MAX_WEBHOOK_URL_LENGTH } from './webhook-url';

export class RegisterWebhookEndpointBody {
  @ApiProperty({ format: 'uuid', description: 'The merchant whose events go to this endpoint; the caller must own it.' })
  @IsUUID('all', { message: 'merchantId must be a UUID' })
  merchantId!: string;

  @ApiProperty({
    example: 'https://shop.example/webhooks/kirim',
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    description:
      'An absolute https URL with no user name, password or fragment, whose host is not localhost or a loopback, private, link-local or unique-local address. Stored and called as the URL parser writes it.',
  })
  // The URL rules themselves are the use case's (422 webhook-url-invalid, with the rule broken).
  @IsString({ message: 'url must be a string' })
  url!: string;
}

export class ListWebhookEndpointsQuery {
  @ApiProperty({ format: 'uuid', description: "The merchant whose endpoints to list; the caller must own it." })
  @IsUUID('all', { message: 'merchantId must be a UUID' })
  merchantId!: string;
}

/** An endpoint as its owner sees it: never a secret. */
export class WebhookEndpointResponse {
  @ApiProperty({ format: 'uuid' })
  endpointId!: string;

  @ApiProperty({ format: 'uuid' })
  merchantId!: string;

  @ApiProperty({ example: 'https://shop.example/webhooks/kirim' })
  url!: string;

  @ApiProperty({ enum: MERCHANT_WEBHOOK_ENDPOINT_STATUSES, description: 'enabled: receives the merchant\'s events; disabled: for good, nothing more is sent to it.' })
  status!: MerchantWebhookEndpointStatus;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the secret was last rotated.' })
  secretRotatedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until when the secret before the last rotation still signs beside the current one.' })
  previousSecretExpiresAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  disabledAt!: string | null;
}

export class WebhookEndpointRegisteredResponse extends WebhookEndpointResponse {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The Standard Webhooks secret every delivery to this endpoint is signed with. Shown in this answer only: kirim keeps it encrypted and never shows it again.',
  })
  secret!: string;
}

export class WebhookEndpointsPageResponse {
  @ApiProperty({ type: WebhookEndpointResponse, isArray: true, description: `Enabled and disabled, oldest first (at most ${MAX_ENABLED_ENDPOINTS_PER_MERCHANT} enabled).` })
  items!: WebhookEndpointResponse[];
}

export class WebhookSecretRotatedResponse {
  @ApiProperty({ format: 'uuid' })
  endpointId!: string;

  @ApiProperty({ example: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD', description: 'The new signing secret, shown in this answer only.' })
  secret!: string;

  @ApiProperty({ format: 'date-time', description: 'Until then deliveries carry a signature with the previous secret too; after it, the new one only.' })
  previousSecretExpiresAt!: string;
}

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

export function toWebhookEndpointResponse(endpoint: MerchantWebhookEndpoint): WebhookEndpointResponse {
  return {
    endpointId: endpoint.endpointId,
    merchantId: endpoint.merchantId,
    url: endpoint.url,
    status: endpoint.status,
    createdAt: endpoint.createdAt.toISOString(),
    secretRotatedAt: iso(endpoint.secretRotatedAt),
    previousSecretExpiresAt: iso(endpoint.previousSecretExpiresAt),
    disabledAt: iso(endpoint.disabledAt),
  };
}
