import { SERVICE_PRINCIPALS } from './principals';

/**
 * The public HTTP API's routing table: which service answers which path prefix. One table for the
 * local edge (tools/edge) and the Kubernetes Ingress (deploy/k8s, checked against it), so a route
 * added to one and not the other fails the manifest checks.
 */
/** kirim's services with a public HTTP API: all four, named as their principals are. */
export const SERVICE_NAMES = [SERVICE_PRINCIPALS.IDENTITY, SERVICE_PRINCIPALS.PAYMENTS, SERVICE_PRINCIPALS.BANK_CONNECTOR, SERVICE_PRINCIPALS.NOTIFICATIONS] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Path prefixes in the order they are tried: the most specific first, so `/v1/me/notifications`
 * reaches notifications while the rest of `/v1/me` stays with identity. A prefix matches the path
 * itself or anything below it at a `/` boundary (`/v1/me` does not match `/v1/meow`).
 */
/*
 * Service-to-service questions are deliberately absent: `/v1/payment-parties` (payments asks
 * identity) and `/v1/bank-accounts` (identity asks bank-connector) would let any user look up other
 * people's accounts by phone number. Services call each other directly, never through the edge.
 */
export const PREFIX_ROUTES: readonly { readonly prefix: string; readonly service: ServiceName }[] = [
  { prefix: '/v1/me/notifications', service: 'notifications' },
  { prefix: '/v1/me/bank-accounts', service: 'identity' },
  { prefix: '/v1/me', service: 'identity' },
  // Payee resolution, rate-limited per user against scanning (docs/payment-addresses.md).
  { prefix: '/v1/payees', service: 'identity' },
  { prefix: '/v1/users', service: 'identity' },
  { prefix: '/v1/sessions', service: 'identity' },
  // Device binding and refresh (docs/device-binding.md); the SMS provider calls its webhook here,
  // as a real provider calls the public edge: the Standard Webhooks signature is the protection.
  { prefix: '/v1/device-bindings', service: 'identity' },
  { prefix: '/v1/tokens', service: 'identity' },
  { prefix: '/v1/webhooks/sms', service: 'identity' },
  { prefix: '/.well-known/jwks.json', service: 'identity' },
  // kirim's record signing keys, for partner banks to verify its requests (docs/message-signing.md).
  { prefix: '/.well-known/message-signing-keys.json', service: 'bank-connector' },
  { prefix: '/v1/payments', service: 'payments' },
  // Merchants (docs/merchants.md): onboarding and API keys with a user's token; orders and refunds
  // with the merchant's API key, except paying an order, which the customer does with theirs.
  { prefix: '/v1/merchants', service: 'payments' },
  { prefix: '/v1/merchant-orders', service: 'payments' },
  // Collect requests (docs/merchants.md): a merchant asks with its API key; the customer lists,
  // approves with the UPI PIN or declines with theirs. Not under /v1/me, which is identity's.
  { prefix: '/v1/collect-requests', service: 'payments' },
  // Merchants' webhook endpoints (docs/notifications.md): the owner registers, rotates and disables
  // them with their own token; notifications keeps them, as it delivers the webhooks.
  { prefix: '/v1/merchant-webhook-endpoints', service: 'notifications' },
  // The banks and their public UPI PIN keys, which devices encrypt PINs for (docs/upi-pin.md). Not the
  // PIN set endpoint on bank-connector (/v1/sandbox-accounts): identity calls it after its own checks.
  { prefix: '/v1/banks', service: 'bank-connector' },
  // Not /v1/sandbox: the sandbox administration API (opening accounts with money in them) is for
  // operators and test tools, on bank-connector's own port only, never on the public edge
  // (docs/data-at-rest.md).
];
