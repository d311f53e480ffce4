import type { HttpTransport, HttpTransportRequest } from '@kirim/platform';
import { FixedClock } from '@kirim/testing';
import type { ClaimedDelivery, DeliveryOutcome } from '../delivery';
import { SmsNumberLookup, SmsNumbers } from './sms-numbers';
import { SmsChannel } from './sms.channel';
import { smsTextOf } from './sms-text';

const API_KEY = 'sk_test_0123456789abcdefghijklmnopqrstuvwxyz';
const PHONE = '+919876543210';
const TXN_ID = 'KRM0123456789ABCDEFGHIJKLMNOPQRSTUV';
const SENT_AT = new Date('2026-11-28T10:00:05.000Z');

const delivery: ClaimedDelivery & { notification: NonNullable<ClaimedDelivery['notification']> } = {
  deliveryId: '5d2c9a4e-1b3f-4c6d-8e7f-9a0b1c2d3e4f',
  endpointKey: 'sms',
  channel: 'sms',
  attempt: 1,
  notification: {
    notificationId: '00000000-0000-4000-8000-000000000001',
    recipientUserId: '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60',
    kind: 'payment.received',
    paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
    locale: 'en-IN',
    title: 'Payment received',
    body: `You received ₹500.00 from Priya S.\n\n28 Nov 2026, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nPayment ID: 3f2e1d0c-9b8a-4765-a432-10fedcba9876`,
    occurredAt: new Date('2026-11-28T10:00:00.000Z'),
  },
};

/** identity as the channel sees it: one scripted answer; notes whom it was asked about. */
class ScriptedNumbers extends SmsNumbers {
  readonly asked: string[] = [];
  constructor(private readonly answer: SmsNumberLookup) {
    super();
  }
  async numberOf(userId: string): Promise<SmsNumberLookup> {
    this.asked.push(userId);
    return this.answer;
  }
}

interface Sent {
  url: string;
  init: HttpTransportRequest;
}

/** The fake provider's answer, set by `provider`. */
let transport: HttpTransport = () => Promise.reject(new Error('no answer set'));

function provider(response: Response | Error): { sent: Sent[] } {
  const sent: Sent[] = [];
  transport = async (url, init) => {
    sent.push({ url: String(url), init });
    if (response instanceof Error) throw response;
    return response;
  };
  return { sent };
}

function channel(numbers: SmsNumbers = new ScriptedNumbers({ kind: 'found', phone: PHONE })): SmsChannel {
  return new SmsChannel({ url: 'https://sms.example/v1/outbound-messages', apiKey: API_KEY, timeoutMs: 5000, transport: (url, init) => transport(url, init) }, numbers, new FixedClock(SENT_AT));
}

/** No outcome may carry the number or the text: outcomes are stored and logged. */
function expectNothingPersonal(outcome: DeliveryOutcome): void {
  expect(JSON.stringify(outcome)).not.toContain(PHONE);
  expect(JSON.stringify(outcome)).not.toContain('Priya');
}

describe('SmsChannel', () => {
  it('is the sms endpoint, for users without the app only', () => {
    expect([channel().channel, channel().endpointKey, channel().audience]).toEqual(['sms', 'sms', 'users-without-app']);
  });

  it("POSTs the recipient's number from identity and the receipt's text to the provider with its API key, the delivery id as reference", async () => {
    const numbers = new ScriptedNumbers({ kind: 'found', phone: PHONE });
    const { sent } = provider(new Response(JSON.stringify({ messageId: 'm1' }), { status: 202 }));

    const outcome = await channel(numbers).deliver(delivery);

    expect(outcome).toEqual({ kind: 'delivered' });
    expect(numbers.asked).toEqual([delivery.notification.recipientUserId]);
    expect(sent).toHaveLength(1);
    const { url, init } = sent[0];
    expect(url).toBe('https://sms.example/v1/outbound-messages');
    expect(init.method).toBe('POST');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(new Headers(init.headers).get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ to: PHONE, text: smsTextOf(delivery.notification), reference: delivery.deliveryId });
    expect(JSON.parse(String(init.body)).text).toContain(`UPI transaction ID: ${TXN_ID}`);
  });

  it('sends a retry under the same reference, so the provider can drop a copy it has', async () => {
    const { sent } = provider(new Response(null, { status: 202 }));
    await channel().deliver(delivery);
    await channel().deliver({ ...delivery, attempt: 2 });
    expect(sent.map((s) => JSON.parse(String(s.init.body)).reference)).toEqual([delivery.deliveryId, delivery.deliveryId]);
  });

  it('gives up at once when identity has no number for the user, and sends nothing', async () => {
    const { sent } = provider(new Response(null, { status: 202 }));
    expect(await channel(new ScriptedNumbers({ kind: 'none' })).deliver(delivery)).toEqual({ kind: 'permanent', reason: 'no phone number' });
    expect(sent).toEqual([]);
  });

  it('tries again later when identity cannot answer, and sends nothing', async () => {
    const { sent } = provider(new Response(null, { status: 202 }));
    expect(await channel(new ScriptedNumbers({ kind: 'unavailable', reason: 'identity answered 503' })).deliver(delivery)).toEqual({
      kind: 'retryable',
      reason: 'phone number unavailable: identity answered 503',
    });
    expect(sent).toEqual([]);
  });

  it.each<[string, Response | Error, DeliveryOutcome]>([
    ['a 503 with its Retry-After', new Response('busy', { status: 503, headers: { 'retry-after': '30' } }), { kind: 'retryable', reason: 'HTTP 503', retryAfterMs: 30_000 }],
    ['a 429', new Response(null, { status: 429 }), { kind: 'retryable', reason: 'HTTP 429' }],
    ['a network error', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), { kind: 'retryable', reason: 'network error ECONNREFUSED' }],
    ['a timeout', Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), { kind: 'retryable', reason: 'no answer within 5000 ms' }],
    ['a 401 (a wrong API key)', new Response(`{"detail":"bad key for ${PHONE}"}`, { status: 401 }), { kind: 'permanent', reason: 'HTTP 401' }],
    ['a 400', new Response(null, { status: 400 }), { kind: 'permanent', reason: 'HTTP 400' }],
    ['a redirect (not followed)', new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }), { kind: 'permanent', reason: 'HTTP 302' }],
  ])("maps the provider's %s as a webhook's answer, naming neither the number nor the text", async (_case, response, expected) => {
    provider(response);
    const outcome = await channel().deliver(delivery);
    expect(outcome).toEqual(expected);
    expectNothingPersonal(outcome);
  });

  it("refuses a merchant event's delivery: SMS carries receipts only", async () => {
    const { sent } = provider(new Response(null, { status: 202 }));
    const merchantEvent = { merchantEventId: 'e', merchantId: 'm', type: 'payment.completed' as const, data: {} as never };
    const outcome = await channel().deliver({ deliveryId: delivery.deliveryId, endpointKey: 'sms', channel: 'sms', attempt: 1, merchantEvent });
    expect(outcome).toEqual({ kind: 'permanent', reason: "not a receipt: SMS carries users' receipts only" });
    expect(sent).toEqual([]);
  });
});
