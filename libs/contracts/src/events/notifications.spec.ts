import { validatePayload } from '../validation';
import { ChatReceipt } from '../webhooks/chat-receipt-webhook';
import { NotificationRecorded } from './notifications';

/*
 * A notification is about a payment or a collect request: exactly one of paymentId and
 * collectRequestId, on the event and on the chat receipt alike.
 */

const PAYMENT_ID = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const COLLECT_REQUEST_ID = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

const payloads: [name: string, cls: new () => object, base: Record<string, unknown>][] = [
  ['NotificationRecorded', NotificationRecorded, { notificationId: '11111111-2222-4333-8444-555555555555', userId: '6f1c1f0e-0b7a-4c2e-9d7f-000000000001', kind: 'collect.requested', recordedAt: '2026-11-30T10:15:00.000Z' }],
  [
    'ChatReceipt',
    ChatReceipt,
    {
      userId: '6f1c1f0e-0b7a-4c2e-9d7f-000000000001',
      notificationId: '11111111-2222-4333-8444-555555555555',
      kind: 'collect.requested',
      locale: 'en-IN',
      title: 'Payment request',
      body: 'Chai Point asks you to pay ₹120.00.',
      occurredAt: '2026-11-30T10:15:00.000Z',
    },
  ],
];

const errorsOf = (cls: new () => object, body: unknown): string[] => {
  const outcome = validatePayload(cls, body);
  return outcome.ok ? [] : outcome.errors;
};

describe.each(payloads)('%s: what it is about', (_name, cls, base) => {
  it('accepts a payment id alone, or a collect request id alone', () => {
    expect(errorsOf(cls, { ...base, kind: 'payment.sent', paymentId: PAYMENT_ID })).toEqual([]);
    expect(errorsOf(cls, { ...base, collectRequestId: COLLECT_REQUEST_ID })).toEqual([]);
  });

  it('refuses neither, both, or a malformed one', () => {
    expect(errorsOf(cls, base)).toEqual([expect.stringMatching(/^paymentId: /)]);
    expect(errorsOf(cls, { ...base, paymentId: PAYMENT_ID, collectRequestId: COLLECT_REQUEST_ID })).toEqual(['collectRequestId: collectRequestId and paymentId cannot both be present: exactly one is']);
    expect(errorsOf(cls, { ...base, collectRequestId: 'request-1' })).toEqual([expect.stringMatching(/^collectRequestId: /)]);
    expect(errorsOf(cls, { ...base, paymentId: null, collectRequestId: null })).toEqual([expect.stringMatching(/^paymentId: /)]);
  });

  it('knows the collect request kinds', () => {
    for (const kind of ['collect.requested', 'collect.expired', 'collect.declined']) expect(errorsOf(cls, { ...base, kind, collectRequestId: COLLECT_REQUEST_ID })).toEqual([]);
  });
});
