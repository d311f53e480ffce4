import { Webhook } from 'standardwebhooks';
import { MerchantWebhook, validatePayload } from '@kirim/contracts';
import type { HttpTransport, HttpTransportRequest } from '@kirim/platform';
import { FixedClock } from '@kirim/testing';
import type { ClaimedDelivery } from '../delivery';
import { MerchantWebhookChannel } from './merchant-webhook.channel';
import { MerchantWebhookEndpoint, newWebhookSecret } from './merchant-webhook-endpoint';

const SENT_AT = new Date('2026-11-28T10:00:05.000Z');
/** The fake endpoint's answer, set by `answering`. */
let transport: HttpTransport = () => Promise.reject(new Error('no answer set'));
const viaFake: HttpTransport = (url, init) => transport(url, init);
/** The host checks off, as on a local stack: these tests are about the request itself. */
const LOCAL = { timeoutMs: 5000, allowNonPublicHosts: true, transport: viaFake };
const PRODUCTION = { timeoutMs: 5000, allowNonPublicHosts: false, transport: viaFake };
const MERCHANT = '6e5d4c3b-2a19-4807-b6a5-948372615041';
const NEW_SECRET = newWebhookSecret();
const OLD_SECRET = newWebhookSecret();

const delivery: ClaimedDelivery = {
  deliveryId: '5d2c9a4e-1b3f-4c6d-8e7f-9a0b1c2d3e4f',
  endpointKey: 'merchant:0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  channel: 'merchant-webhook',
  attempt: 1,
  merchantEvent: {
    merchantEventId: '00000000-0000-4000-8000-000000000009',
    merchantId: MERCHANT,
    type: 'refund.completed',
    data: {
      merchantId: MERCHANT,
      orderId: '9f8e7d6c-5b4a-4392-a180-7f6e5d4c3b2a',
      paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
      refundOf: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
      txnId: 'KRM0123456789ABCDEF0123456789ABCDEF',
      amount: { value: '120.50', currency: 'INR' },
      status: 'completed',
      resultCode: '00',
      occurredAt: '2026-11-28T10:00:00.000Z',
    },
  },
};

function endpoint(overrides: Partial<MerchantWebhookEndpoint> = {}): MerchantWebhookEndpoint {
  return {
    endpointId: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    merchantId: MERCHANT,
    url: 'https://shop.example/kirim/webhooks',
    status: 'enabled',
    secret: NEW_SECRET,
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: new Date('2026-11-01T00:00:00.000Z'),
    secretRotatedAt: null,
    disabledAt: null,
    ...overrides,
  };
}

function answering(response: Response): { sent: HttpTransportRequest[]; urls: string[] } {
  const sent: HttpTransportRequest[] = [];
  const urls: string[] = [];
  transport = async (url, init) => {
    urls.push(String(url));
    sent.push(init);
    return response;
  };
  return { sent, urls };
}

/** Verifies as a merchant would, with the secret it holds, at the time the webhook was sent. */
function verifiesWith(secret: string, init: HttpTransportRequest | undefined): unknown {
  if (init === undefined) throw new Error('nothing was sent');
  jest.useFakeTimers({ now: SENT_AT, doNotFake: ['nextTick', 'setImmediate'] });
  try {
    return new Webhook(secret).verify(String(init.body), init.headers as Record<string, string>);
  } finally {
    jest.useRealTimers();
  }
}

describe('MerchantWebhookChannel', () => {
  it("POSTs the merchant's event to its URL, signed with its secret, with the delivery id as webhook-id", async () => {
    const { sent, urls } = answering(new Response(null, { status: 200 }));

    expect(await new MerchantWebhookChannel(endpoint(), LOCAL, new FixedClock(SENT_AT)).deliver(delivery)).toEqual({ kind: 'delivered' });

    expect(urls).toEqual(['https://shop.example/kirim/webhooks']);
    const [init] = sent;
    expect((init?.headers as Record<string, string>)['webhook-id']).toBe(delivery.deliveryId);
    const body = verifiesWith(NEW_SECRET, init);
    expect(body).toEqual({ type: 'refund.completed', timestamp: SENT_AT.toISOString(), data: delivery.merchantEvent?.data });
    expect(validatePayload(MerchantWebhook, body).ok).toBe(true);
    // Another secret does not verify it.
    expect(() => verifiesWith(OLD_SECRET, init)).toThrow();
  });

  it('signs with the new and the previous secret while the rotation overlaps, so either verifies', async () => {
    const { sent } = answering(new Response(null, { status: 204 }));
    const rotated = endpoint({ previousSecret: OLD_SECRET, previousSecretExpiresAt: new Date(SENT_AT.getTime() + 60_000) });

    await new MerchantWebhookChannel(rotated, LOCAL, new FixedClock(SENT_AT)).deliver(delivery);

    expect(String((sent[0]?.headers as Record<string, string>)['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifiesWith(NEW_SECRET, sent[0])).toBeDefined();
    expect(verifiesWith(OLD_SECRET, sent[0])).toBeDefined();
  });

  it('stops signing with the previous secret once the overlap is over', async () => {
    const { sent } = answering(new Response(null, { status: 204 }));
    const rotated = endpoint({ previousSecret: OLD_SECRET, previousSecretExpiresAt: SENT_AT });

    await new MerchantWebhookChannel(rotated, LOCAL, new FixedClock(SENT_AT)).deliver(delivery);

    expect(verifiesWith(NEW_SECRET, sent[0])).toBeDefined();
    expect(() => verifiesWith(OLD_SECRET, sent[0])).toThrow();
  });

  it("refuses, without sending, another merchant's event or a user's receipt", async () => {
    const { sent } = answering(new Response(null, { status: 200 }));
    const channel = new MerchantWebhookChannel(endpoint({ merchantId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }), LOCAL, new FixedClock(SENT_AT));

    expect(await channel.deliver(delivery)).toEqual({ kind: 'permanent', reason: "another merchant's event" });
    const receipt: ClaimedDelivery = {
      deliveryId: delivery.deliveryId,
      endpointKey: delivery.endpointKey,
      channel: 'merchant-webhook',
      attempt: 1,
      notification: { notificationId: 'n', recipientUserId: 'u', kind: 'payment.sent', paymentId: 'p', locale: 'en-IN', title: 't', body: 'b', occurredAt: SENT_AT },
    };
    expect((await channel.deliver(receipt)).kind).toBe('permanent');
    expect(sent).toEqual([]);
  });

  it('retries a 503 and gives up on a 410, as every Standard Webhooks channel does', async () => {
    answering(new Response(null, { status: 503 }));
    expect(await new MerchantWebhookChannel(endpoint(), LOCAL, new FixedClock(SENT_AT)).deliver(delivery)).toEqual({ kind: 'retryable', reason: 'HTTP 503' });
    answering(new Response(null, { status: 410 }));
    expect(await new MerchantWebhookChannel(endpoint(), LOCAL, new FixedClock(SENT_AT)).deliver(delivery)).toEqual({ kind: 'permanent', reason: 'HTTP 410' });
  });

  it('refuses, without sending, a host that is or resolves to a non-public address', async () => {
    const { sent } = answering(new Response(null, { status: 200 }));
    for (const url of ['https://10.1.2.3/hook', 'https://[fd00::1]/hook', 'https://localhost/hook']) {
      const outcome = await new MerchantWebhookChannel(endpoint({ url }), PRODUCTION, new FixedClock(SENT_AT)).deliver(delivery);
      expect(outcome.kind).toBe('permanent');
    }
    expect(sent).toEqual([]);
  });

  it('sends to a public address when the host checks are on', async () => {
    const { urls } = answering(new Response(null, { status: 204 }));
    expect(await new MerchantWebhookChannel(endpoint({ url: 'https://93.184.216.34/hook' }), PRODUCTION, new FixedClock(SENT_AT)).deliver(delivery)).toEqual({ kind: 'delivered' });
    expect(urls).toEqual(['https://93.184.216.34/hook']);
  });
});
