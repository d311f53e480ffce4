import { SERVICE_PRINCIPALS, ServicePrincipal } from '../principals';

/**
 * Service-to-service HTTP, declared once: which service answers which internal operation and which
 * services may call it. The caller's client (libs/platform InternalHttpClient) and the answering
 * guard (libs/platform ServiceAuthGuard) both read these declarations, so "who may ask what" has
 * one answer, like the Kafka ACLs beside the topic catalogue (kafka-acls.ts).
 *
 * Internal operations live under `/internal/` on the service's own port and are never routed by the
 * edge; each is authenticated with a short-lived service token that identity issues (audience: the
 * answering service), never with a forwarded user token.
 */

/**
 * The `aud` of a token meant for one service: its principal name, the same name it has on Kafka.
 * User tokens list the public-API services; service tokens name exactly one.
 */
export function serviceAudience(service: ServicePrincipal): string {
  return service;
}

/** The services, in the order their names are listed in docs and errors. */
export const ALL_SERVICE_PRINCIPALS: readonly ServicePrincipal[] = Object.values(SERVICE_PRINCIPALS);

export function isServicePrincipal(value: unknown): value is ServicePrincipal {
  return typeof value === 'string' && (ALL_SERVICE_PRINCIPALS as readonly string[]).includes(value);
}

/** Claim a service token carries beside `sub` (RFC 9068 §2.2 `client_id`): its presence marks a service token. */
export const SERVICE_CLIENT_CLAIM = 'client_id';

export interface InternalOperation {
  /** Stable name, used in logs and metrics. */
  readonly name: string;
  /** The service that answers. */
  readonly service: ServicePrincipal;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path on the answering service's port, always under `/internal/`; `:param` segments are filled by the client. */
  readonly path: string;
  /** The services allowed to call it. */
  readonly callers: readonly ServicePrincipal[];
}

function operation<const T extends InternalOperation>(declared: T): T {
  if (!declared.path.startsWith('/internal/')) throw new Error(`internal operation ${declared.name} must live under /internal/`);
  if (declared.callers.includes(declared.service)) throw new Error(`internal operation ${declared.name}: a service does not call itself over HTTP`);
  return declared;
}

export const INTERNAL_OPERATIONS = {
  /** payments, before a payment: which accounts move the money (payer by user id, payee by phone or address). */
  RESOLVE_PAYMENT_PARTIES: operation({
    name: 'resolve-payment-parties',
    service: SERVICE_PRINCIPALS.IDENTITY,
    method: 'GET',
    path: '/internal/v1/payment-parties',
    callers: [SERVICE_PRINCIPALS.PAYMENTS],
  }),
  /**
   * payments, when several payments wait on the same lookups: the same question for up to
   * MAX_PARTY_RESOLUTIONS_PER_CALL payers at once, each answered (or refused) as the single one would.
   */
  RESOLVE_PAYMENT_PARTIES_BATCH: operation({
    name: 'resolve-payment-parties-batch',
    service: SERVICE_PRINCIPALS.IDENTITY,
    method: 'POST',
    path: '/internal/v1/payment-party-resolutions',
    callers: [SERVICE_PRINCIPALS.PAYMENTS],
  }),
  /**
   * payments, when a user onboards a merchant (docs/merchants.md): identity records `handle@kirim` as
   * held by that merchant, under the same uniqueness and look-alike rules as users' addresses, so no
   * user (and no other merchant) can take it or a confusable of it afterwards. Idempotent per merchant.
   */
  RESERVE_MERCHANT_ADDRESS: operation({
    name: 'reserve-merchant-address',
    service: SERVICE_PRINCIPALS.IDENTITY,
    method: 'POST',
    path: '/internal/v1/merchant-addresses',
    callers: [SERVICE_PRINCIPALS.PAYMENTS],
  }),
  /** identity, when a user links an account: which accounts the user's mobile number holds at which banks. */
  DISCOVER_BANK_ACCOUNTS: operation({
    name: 'discover-bank-accounts',
    service: SERVICE_PRINCIPALS.BANK_CONNECTOR,
    method: 'GET',
    path: '/internal/v1/bank-accounts',
    callers: [SERVICE_PRINCIPALS.IDENTITY],
  }),
  /** identity, once it has checked the caller owns the linked account: set or change a sandbox account's UPI PIN. */
  SET_SANDBOX_UPI_PIN: operation({
    name: 'set-sandbox-upi-pin',
    service: SERVICE_PRINCIPALS.BANK_CONNECTOR,
    method: 'PUT',
    path: '/internal/v1/sandbox-accounts/:accountRef/upi-pin',
    callers: [SERVICE_PRINCIPALS.IDENTITY],
  }),
  /**
   * Every service with user endpoints, to honour revocations (a newer device bound, a refresh token
   * reused) within a stated bound (docs/device-binding.md): binding ids revoked after a cursor.
   */
  LIST_DEVICE_BINDING_REVOCATIONS: operation({
    name: 'list-device-binding-revocations',
    service: SERVICE_PRINCIPALS.IDENTITY,
    method: 'GET',
    path: '/internal/v1/device-binding-revocations',
    callers: [SERVICE_PRINCIPALS.PAYMENTS, SERVICE_PRINCIPALS.NOTIFICATIONS],
  }),
  /**
   * notifications, when it sends a receipt by SMS to a user without the app (docs/notifications.md):
   * the user's phone number, read at send time and never stored by notifications.
   */
  GET_SMS_NUMBER: operation({
    name: 'get-sms-number',
    service: SERVICE_PRINCIPALS.IDENTITY,
    method: 'GET',
    path: '/internal/v1/users/:userId/sms-number',
    callers: [SERVICE_PRINCIPALS.NOTIFICATIONS],
  }),
  /**
   * payments' reconciliation job (docs/operations.md): what the banks did with these legs, from the
   * sandbox ledger itself and from what partner banks answered. A POST: a partner leg with no answer
   * yet is asked about again (its original request re-sent, same request id, no PIN).
   */
  RECONCILE_BANK_LEGS: operation({
    name: 'reconcile-bank-legs',
    service: SERVICE_PRINCIPALS.BANK_CONNECTOR,
    method: 'POST',
    path: '/internal/v1/bank-leg-reconciliations',
    callers: [SERVICE_PRINCIPALS.PAYMENTS],
  }),
} as const satisfies Record<string, InternalOperation>;

/** The audiences a service may ask identity a token for: the services answering an operation it calls. */
export function audiencesCallableBy(caller: ServicePrincipal, operations: readonly InternalOperation[] = Object.values(INTERNAL_OPERATIONS)): ServicePrincipal[] {
  const targets = new Set(operations.filter((op) => op.callers.includes(caller)).map((op) => op.service));
  return ALL_SERVICE_PRINCIPALS.filter((service) => targets.has(service));
}

/** Where a service exchanges its client credentials for a service token (identity; authenticated by the secret itself). */
export const SERVICE_TOKEN_PATH = '/internal/v1/service-tokens';
