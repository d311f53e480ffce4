import { randomUUID } from 'node:crypto';
import { eventually } from '@kirim/testing';
import { Api, expectStatus, Party, PaymentAccepted } from './support/api';
import { createOrder, onboardMerchant, payOrder, refundOrder, TestMerchant } from './support/merchants';
import { freshParty, notificationsFor } from './support/parties';
import { WebhookReceiver } from './support/webhook-receiver';

/*
 * Merchant webhooks end to end (issue 8, docs/notifications.md): a merchant's owner registers an
 * endpoint (a real HTTP server in this process, which verifies every call's Standard Webhooks
 * signature with the secret the registration answered); the merchant's order is paid and refunded
 * through the edge, and the endpoint is told of each step once. Then: a rotated secret signs, a
 * disabled endpoint hears nothing more, and an endpoint that hangs holds only its own deliveries.
 * The local stack lets notifications call http://127.0.0.1 (MERCHANT_WEBHOOK_HTTP_ALLOWED=true).
 */

interface EndpointView {
  readonly endpointId: string;
  readonly merchantId: string;
  readonly url: string;
  readonly status: string;
  readonly secret?: string;
}

interface MerchantWebhookBody {
  readonly type: string;
  readonly data: { merchantId: string; orderId: string; paymentId: string; refundOf?: string; amount: { value: string }; status: string; txnId: string };
}

describe('merchant webhooks (e2e, running stack)', () => {
  const api = new Api();
  const receivers: WebhookReceiver[] = [];
  let customer: Party;

  beforeAll(async () => {
    customer = await freshParty(api, 'webhook customer', 'SBXA', '5000.00');
  });

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
  });

  async function merchantWithEndpoint(label: string): Promise<{ owner: Party; merchant: TestMerchant; receiver: WebhookReceiver; endpoint: EndpointView }> {
    const owner = await freshParty(api, `${label} owner`, 'SBXB', '0.00');
    const merchant = await onboardMerchant(api, owner, `E2E ${label}`, 'hook');
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    const url = await receiver.start();
    // notifications hears of the merchant from payments' event: until then the merchant is unknown there (404).
    let endpoint: EndpointView | undefined;
    await eventually(async () => {
      endpoint = expectStatus<EndpointView>(await api.request('POST', '/v1/merchant-webhook-endpoints', { token: owner.accessToken, body: { merchantId: merchant.merchantId, url } }), 201).body;
    });
    if (endpoint?.secret === undefined) throw new Error('registration answered no secret');
    receiver.trust(endpoint.secret);
    return { owner, merchant, receiver, endpoint };
  }

  async function paidOrder(merchant: TestMerchant, amount: string): Promise<{ orderId: string; paymentId: string }> {
    const { orderId } = expectStatus<{ orderId: string }>(await createOrder(api, merchant, `wh-${randomUUID()}`, amount), 201).body;
    const { paymentId } = expectStatus<PaymentAccepted>(await payOrder(api, customer, orderId, amount), 202).body;
    expect((await api.waitUntilFinal(customer, paymentId)).status).toBe('completed');
    return { orderId, paymentId };
  }

  const ofOrder = (receiver: WebhookReceiver, orderId: string): MerchantWebhookBody[] => receiver.bodies<MerchantWebhookBody>().filter((body) => body.data.orderId === orderId);

  it("tells the merchant's endpoint of its order's payment and of a refund, each step once, signed with its secret", async () => {
    const { owner, merchant, receiver, endpoint } = await merchantWithEndpoint('webhook shop');
    // The secret is shown once: never in a listing.
    const listed = expectStatus<{ items: EndpointView[] }>(await api.request('GET', `/v1/merchant-webhook-endpoints?merchantId=${merchant.merchantId}`, { token: owner.accessToken }), 200).body;
    expect(listed.items).toEqual([expect.objectContaining({ endpointId: endpoint.endpointId, status: 'enabled' })]);
    expect(JSON.stringify(listed)).not.toContain(endpoint.secret);

    const { orderId, paymentId } = await paidOrder(merchant, '300.00');
    const refund = expectStatus<{ refundId: string }>(await refundOrder(api, merchant, orderId, `rf-${randomUUID()}`, '100.00'), 202).body;

    await eventually(async () => expect(ofOrder(receiver, orderId).map((body) => body.type).sort()).toEqual(['payment.completed', 'payment.initiated', 'refund.completed', 'refund.initiated']), { timeoutMs: 30_000 });
    const [paid] = ofOrder(receiver, orderId).filter((body) => body.type === 'payment.completed');
    expect(paid.data).toMatchObject({ merchantId: merchant.merchantId, orderId, paymentId, status: 'completed', amount: { value: '300.00' } });
    expect(paid.data.refundOf).toBeUndefined();
    const [refunded] = ofOrder(receiver, orderId).filter((body) => body.type === 'refund.completed');
    expect(refunded.data).toMatchObject({ merchantId: merchant.merchantId, orderId, paymentId: refund.refundId, refundOf: paymentId, status: 'completed', amount: { value: '100.00' } });
    // Nothing failed to verify, and no customer data went to the merchant.
    expect(receiver.unverified).toBe(0);
    expect(JSON.stringify(receiver.bodies())).not.toContain(customer.phone);
    expect(JSON.stringify(receiver.bodies())).not.toContain(customer.userId);
  });

  it('signs with the new secret (and the old one while they overlap) after a rotation, and sends nothing once the endpoint is disabled', async () => {
    const { owner, merchant, receiver, endpoint } = await merchantWithEndpoint('rotating shop');

    const rotated = expectStatus<{ secret: string; previousSecretExpiresAt: string }>(
      await api.request('POST', `/v1/merchant-webhook-endpoints/${endpoint.endpointId}/rotate-secret`, { token: owner.accessToken }),
      200,
    ).body;
    expect(rotated.secret).not.toBe(endpoint.secret);
    // The merchant moved to the new secret at once: every call must verify with it alone.
    receiver.trust(rotated.secret);
    const first = await paidOrder(merchant, '20.00');
    await eventually(async () => expect(ofOrder(receiver, first.orderId).map((body) => body.type)).toContain('payment.completed'));
    expect(receiver.unverified).toBe(0);
    expect(receiver.received.every((item) => item.signatures === 2)).toBe(true);

    const disabled = expectStatus<EndpointView>(await api.request('POST', `/v1/merchant-webhook-endpoints/${endpoint.endpointId}/disable`, { token: owner.accessToken }), 200).body;
    expect(disabled.status).toBe('disabled');
    const second = await paidOrder(merchant, '21.00');
    // The customer's receipt is recorded in the same transaction as the merchant's event: once it is
    // there, the event was handled, and no delivery was written for the disabled endpoint.
    await eventually(async () => expect(await notificationsFor(api, customer, second.paymentId)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(ofOrder(receiver, second.orderId)).toEqual([]);
  });

  it("holds only a hanging endpoint's deliveries: another merchant's endpoint and the chat receipts are not delayed", async () => {
    const slow = await merchantWithEndpoint('slow shop');
    const fast = await merchantWithEndpoint('fast shop');
    slow.receiver.hold();

    const slowOrder = await paidOrder(slow.merchant, '30.00');
    const fastOrder = await paidOrder(fast.merchant, '31.00');

    // The fast endpoint has everything of its order, and the customer's chat receipt of the slow
    // shop's payment arrived too, while the slow endpoint sits on its calls unanswered.
    await eventually(async () => expect(ofOrder(fast.receiver, fastOrder.orderId).map((body) => body.type).sort()).toEqual(['payment.completed', 'payment.initiated']));
    await eventually(async () => {
      const [receipt] = await notificationsFor(api, customer, slowOrder.paymentId);
      expect(receipt?.deliveries).toEqual([expect.objectContaining({ channel: 'chat', status: 'delivered' })]);
    });
    expect(slow.receiver.held).toBeGreaterThan(0);
    expect(ofOrder(slow.receiver, slowOrder.orderId)).toEqual([]);

    // Once it answers again, it gets its own, once each.
    slow.receiver.release();
    await eventually(async () => expect(ofOrder(slow.receiver, slowOrder.orderId).map((body) => body.type).sort()).toEqual(['payment.completed', 'payment.initiated']), { timeoutMs: 30_000 });
  });
});
