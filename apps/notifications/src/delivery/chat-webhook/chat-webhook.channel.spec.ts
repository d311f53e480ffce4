import { Webhook } from 'standardwebhooks';
import { ChatReceiptWebhook, validatePayload } from '@kirim/contracts';
import type { HttpTransport, HttpTransportRequest } from '@kirim/platform';
import { FixedClock } from '@kirim/testing';
import type { ClaimedDelivery } from '../delivery';
import { chatReceiptPayload, ChatWebhookChannel } from './chat-webhook.channel';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const SENT_AT = new Date('2026-11-28T10:00:05.000Z');

const delivery: ClaimedDelivery = {
  deliveryId: '5d2c9a4e-1b3f-4c6d-8e7f-9a0b1c2d3e4f',
  endpointKey: 'chat',
  channel: 'chat',
  attempt: 3,
  notification: {
    notificationId: '00000000-0000-4000-8000-000000000001',
    recipientUserId: '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60',
    kind: 'payment.received',
    paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
    // A recipient who reads Portuguese: the payload names the locale the text was written in.
    locale: 'pt-BR',
    title: 'Pagamento recebido',
    body: 'Você recebeu ₹ 500,00.',
    occurredAt: new Date('2026-11-28T10:00:00.000Z'),
  },
};

interface Sent {
  url: string;
  init: HttpTransportRequest;
}

/** The fake endpoint's answer, set by `answering`. */
let transport: HttpTransport = () => Promise.reject(new Error('no answer set'));

function channel(): ChatWebhookChannel {
  return new ChatWebhookChannel({ endpointKey: 'chat', url: 'https://chat.example/hooks/kirim?token=abc', secret: SECRET, timeoutMs: 5000, transport: (url, init) => transport(url, init) }, new FixedClock(SENT_AT));
}

function answering(response: Response | Error): { sent: Sent[] } {
  const sent: Sent[] = [];
  transport = async (url, init) => {
    sent.push({ url: String(url), init });
    if (response instanceof Error) throw response;
    return response;
  };
  return { sent };
}

describe('ChatWebhookChannel', () => {
  it('POSTs the receipt signed per Standard Webhooks, which verifies with the platform secret', async () => {
    const { sent } = answering(new Response(null, { status: 204 }));

    expect(await channel().deliver(delivery)).toEqual({ kind: 'delivered' });

    expect(sent).toHaveLength(1);
    const { init } = sent[0];
    expect(init.method).toBe('POST');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    const headers = init.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe(delivery.deliveryId);
    expect(headers['webhook-timestamp']).toBe(String(SENT_AT.getTime() / 1000));
    expect(headers['content-type']).toBe('application/json');

    const verifier = new Webhook(SECRET);
    // verify checks the timestamp against the real clock, so it is given now's: the signature must still match.
    jest.useFakeTimers({ now: SENT_AT, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const payload = verifier.verify(String(init.body), headers);
      expect(payload).toEqual({
        type: 'notification.receipt',
        timestamp: SENT_AT.toISOString(),
        data: {
          userId: delivery.notification.recipientUserId,
          notificationId: delivery.notification.notificationId,
          kind: 'payment.received',
          paymentId: delivery.notification.paymentId,
          locale: 'pt-BR',
          title: 'Pagamento recebido',
          body: 'Você recebeu ₹ 500,00.',
          occurredAt: '2026-11-28T10:00:00.000Z',
        },
      });
      // What the platform checks it against (tools/chat-simulator does the same).
      expect(validatePayload(ChatReceiptWebhook, payload)).toMatchObject({ ok: true });
      // Another secret, or a changed body, does not verify.
      expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(String(init.body), headers)).toThrow();
      expect(() => verifier.verify(String(init.body).replace('500,00', '5000,00'), headers)).toThrow();
    } finally {
      jest.useRealTimers();
    }
  });

  it("names a collect request's receipt by the request, with no payment id, as the contract wants", () => {
    const { paymentId: _payment, ...common } = delivery.notification;
    const collectRequestId = '6d7e8f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f';
    const payload = chatReceiptPayload({ ...common, kind: 'collect.requested', collectRequestId }, SENT_AT);
    expect(payload.data).toMatchObject({ kind: 'collect.requested', collectRequestId });
    expect(payload.data).not.toHaveProperty('paymentId');
    expect(validatePayload(ChatReceiptWebhook, JSON.parse(JSON.stringify(payload)))).toMatchObject({ ok: true });
  });

  it('signs a retry under the same webhook-id, so the platform can drop a copy it has', async () => {
    const { sent } = answering(new Response(null, { status: 200 }));
    await channel().deliver(delivery);
    await channel().deliver({ ...delivery, attempt: 4 });
    expect(sent.map((s) => (s.init.headers as Record<string, string>)['webhook-id'])).toEqual([delivery.deliveryId, delivery.deliveryId]);
  });

  it('retries a network error and a timeout, naming neither the URL nor its token', async () => {
    answering(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    const refused = await channel().deliver(delivery);
    expect(refused).toEqual({ kind: 'retryable', reason: 'network error ECONNREFUSED' });
    // undici's request API (the default transport) throws the error itself, its code on it.
    answering(Object.assign(new Error('connect ECONNRESET 10.0.0.7:443'), { code: 'ECONNRESET' }));
    expect(await channel().deliver(delivery)).toEqual({ kind: 'retryable', reason: 'network error ECONNRESET' });

    answering(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }));
    expect(await channel().deliver(delivery)).toEqual({ kind: 'retryable', reason: 'no answer within 5000 ms' });
    expect(JSON.stringify(refused)).not.toContain('token');
  });

  it('passes on a 429 with its Retry-After', async () => {
    answering(new Response('slow down', { status: 429, headers: { 'retry-after': '30' } }));
    expect(await channel().deliver(delivery)).toEqual({ kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 30_000 });
  });
});
