import { randomUUID } from 'node:crypto';
import { checkCustomHandle } from '@kirim/contracts';
import { Api, expectStatus, HttpResult, Party, PaymentAccepted, Problem } from './api';

/** A merchant as a test holds it: its id, and an API key its systems use. */
export interface TestMerchant {
  readonly merchantId: string;
  readonly address: string;
  readonly settlementAddress: string;
  readonly apiKey: string;
  readonly keyId: string;
}

/**
 * Lowercase letters only, new each run, and drawn again until the address rules accept it: random
 * letters now and then spell a reserved fragment ("kyc", "bhim", or a look-alike of one).
 */
export function freshHandle(prefix: string): string {
  for (;;) {
    const letters = Array.from(randomUUID().replace(/-/g, ''), (hex) => String.fromCharCode(97 + (parseInt(hex, 16) % 26))).join('');
    const handle = `${prefix}.${letters.slice(0, 10)}`;
    if (checkCustomHandle(handle).ok) return handle;
  }
}

/** `owner` onboards a merchant settled to their primary address (a café, category 5812) and makes it an API key. */
export async function onboardMerchant(api: Api, owner: Party, displayName: string, handlePrefix = 'shop'): Promise<TestMerchant> {
  const addresses = expectStatus<Array<{ address: string; isPrimary: boolean }>>(await api.request('GET', '/v1/me/payment-addresses', { token: owner.accessToken }), 200).body;
  const settlementAddress = addresses.find((address) => address.isPrimary)?.address;
  if (!settlementAddress) throw new Error('the owner has no primary payment address');
  const merchant = expectStatus<{ merchantId: string; address: string; settlementAddress: string }>(
    await api.request('POST', '/v1/merchants', { token: owner.accessToken, body: { displayName, categoryCode: '5812', handle: freshHandle(handlePrefix), settlementAddress } }),
    201,
  ).body;
  const key = expectStatus<{ apiKey: string; keyId: string }>(await api.request('POST', `/v1/merchants/${merchant.merchantId}/api-keys`, { token: owner.accessToken }), 201).body;
  return { ...merchant, apiKey: key.apiKey, keyId: key.keyId };
}

export const asMerchant = (merchant: Pick<TestMerchant, 'apiKey'>): Record<string, string> => ({ authorization: `Bearer ${merchant.apiKey}` });

/** The merchant's systems ask for an order of `amount`. */
export async function createOrder(api: Api, merchant: TestMerchant, reference: string, amount: string, note = 'e2e order'): Promise<HttpResult<{ orderId: string } | Problem>> {
  return api.request('POST', '/v1/merchant-orders', { headers: asMerchant(merchant), body: { reference, amount: { value: amount, currency: 'INR' }, note } });
}

/** A customer pays an order in the chat, with the UPI PIN for its amount. */
export async function payOrder(api: Api, payer: Party, orderId: string, amount: string, idempotencyKey = randomUUID()): Promise<HttpResult<PaymentAccepted | Problem>> {
  return api.request<PaymentAccepted | Problem>('POST', `/v1/merchant-orders/${orderId}/payment`, {
    token: payer.accessToken,
    headers: { 'idempotency-key': idempotencyKey },
    body: { encryptedPin: await api.pinKeys.pay(payer.bankCode, payer.pin as string, amount) },
  });
}

/** The merchant refunds `amount` of a paid order; the reference is its idempotency key. */
export async function refundOrder(api: Api, merchant: TestMerchant, orderId: string, reference: string, amount: string): Promise<HttpResult<{ refundId: string; status: string } | Problem>> {
  return api.request('POST', `/v1/merchant-orders/${orderId}/refunds`, {
    headers: { ...asMerchant(merchant), 'idempotency-key': reference },
    body: { amount: { value: amount, currency: 'INR' } },
  });
}
