import type { EntityManager } from 'typeorm';
import { MerchantWebhook, validatePayload } from '@kirim/contracts';
import type { InTransaction, TransactionScope } from '@kirim/messaging';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { MerchantWebhookEndpoint, MerchantWebhookEndpointRepository, RegisterOutcome } from '../../delivery/merchant-webhook/merchant-webhook-endpoint';
import { PAYMENT_ID, paymentEvent } from '../../payment-receipts/payment-event.fixture';
import { InMemoryDeliveries } from '../../testing/in-memory-deliveries';
import { MerchantEventDraft, MerchantEventStore } from '../merchant-event.store';
import { RecordMerchantPaymentEvent } from './record-merchant-payment-event.use-case';

const MERCHANT = '6e5d4c3b-2a19-4807-b6a5-948372615041';
const OTHER_MERCHANT = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ORDER = '9f8e7d6c-5b4a-4392-a180-7f6e5d4c3b2a';
const ORDER_PAYMENT = '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';

/** The table's unique key: (merchant, payment, type). */
class FakeMerchantEvents extends MerchantEventStore {
  readonly rows: MerchantEventDraft[] = [];

  async insertIgnoringDuplicate(_tx: InTransaction, event: MerchantEventDraft): Promise<boolean> {
    if (this.rows.some((r) => r.merchantId === event.merchantId && r.data.paymentId === event.data.paymentId && r.type === event.type)) return false;
    this.rows.push(event);
    return true;
  }

  async paidAmountOf(): Promise<null> {
    return null;
  }
}

/** Only what the use case reads: the enabled endpoints of a merchant. */
class FakeEndpoints extends MerchantWebhookEndpointRepository {
  constructor(private readonly enabled: Record<string, string[]>) {
    super();
  }
  async enabledIdsOf(_tx: InTransaction, merchantId: string): Promise<string[]> {
    return this.enabled[merchantId] ?? [];
  }
  register(): Promise<RegisterOutcome> {
    throw new Error('not used');
  }
  findById(): Promise<MerchantWebhookEndpoint | null> {
    throw new Error('not used');
  }
  listOfMerchant(): Promise<MerchantWebhookEndpoint[]> {
    throw new Error('not used');
  }
  rotateSecret(): Promise<MerchantWebhookEndpoint | null> {
    throw new Error('not used');
  }
  disable(): Promise<MerchantWebhookEndpoint | null> {
    throw new Error('not used');
  }
  allEnabled(): Promise<MerchantWebhookEndpoint[]> {
    throw new Error('not used');
  }
}

const tx: TransactionScope = { manager: {} as EntityManager, publish: async () => undefined, afterCommit: () => undefined };

function setUp(enabled: Record<string, string[]> = { [MERCHANT]: ['e1', 'e2'], [OTHER_MERCHANT]: ['e3'] }) {
  const events = new FakeMerchantEvents();
  const deliveries = new InMemoryDeliveries();
  const useCase = new RecordMerchantPaymentEvent(events, new FakeEndpoints(enabled), deliveries, new FixedClock(), new SequentialIds());
  return { events, deliveries, useCase };
}

const orderPayment = paymentEvent({ merchant: { merchantId: MERCHANT, orderId: ORDER } });
const refund = paymentEvent({ paymentId: PAYMENT_ID, merchant: { merchantId: MERCHANT, orderId: ORDER, refundOf: ORDER_PAYMENT } });

describe('RecordMerchantPaymentEvent', () => {
  it("tells the merchant of its order's payment, one delivery per enabled endpoint of that merchant only", async () => {
    const { events, deliveries, useCase } = setUp();

    expect(await useCase.execute(tx, { step: 'completed', payment: orderPayment })).toEqual({ recorded: true, deliveries: 2 });

    expect(events.rows).toHaveLength(1);
    const [event] = events.rows;
    expect(event?.type).toBe('payment.completed');
    expect(deliveries.rows.map((r) => [r.endpointKey, r.channel, r.merchantEventId, r.notificationId])).toEqual([
      ['merchant:e1', 'merchant-webhook', event?.merchantEventId, null],
      ['merchant:e2', 'merchant-webhook', event?.merchantEventId, null],
    ]);
  });

  it('names a refund as one, with the payment it refunds, and the body fits the contract merchants verify against', async () => {
    const { events, useCase } = setUp();

    await useCase.execute(tx, { step: 'completed', payment: refund });

    const [event] = events.rows;
    expect(event?.type).toBe('refund.completed');
    expect(event?.data).toEqual({
      merchantId: MERCHANT,
      orderId: ORDER,
      paymentId: PAYMENT_ID,
      refundOf: ORDER_PAYMENT,
      txnId: orderPayment.txnId,
      amount: { value: '500.00', currency: 'INR' },
      status: 'completed',
      resultCode: '00',
      rrn: '412345678901',
      occurredAt: '2025-11-28T10:00:00.000Z',
    });
    if (event === undefined) throw new Error('no merchant event recorded');
    const body: MerchantWebhook = { type: event.type, timestamp: '2025-11-28T10:00:01.000Z', data: event.data };
    expect(validatePayload(MerchantWebhook, JSON.parse(JSON.stringify(body))).ok).toBe(true);
  });

  it.each([
    ['initiated', 'payment.initiated'],
    ['failed', 'payment.failed'],
    ['reversed', 'payment.reversed'],
  ] as const)('names the %s step of an order payment %s', async (step, type) => {
    const { events, useCase } = setUp();
    await useCase.execute(tx, { step, payment: orderPayment });
    expect(events.rows.map((r) => r.type)).toEqual([type]);
  });

  it('records nothing twice when the payment event comes again', async () => {
    const { events, deliveries, useCase } = setUp();
    await useCase.execute(tx, { step: 'completed', payment: orderPayment });

    expect(await useCase.execute(tx, { step: 'completed', payment: orderPayment })).toEqual({ recorded: false, deliveries: 0 });

    expect(events.rows).toHaveLength(1);
    expect(deliveries.rows).toHaveLength(2);
  });

  it('tells no merchant of a payment between people', async () => {
    const { events, deliveries, useCase } = setUp();
    expect(await useCase.execute(tx, { step: 'completed', payment: paymentEvent() })).toEqual({ recorded: false, deliveries: 0 });
    expect(events.rows).toEqual([]);
    expect(deliveries.rows).toEqual([]);
  });

  it('records the event with no delivery for a merchant with no endpoint enabled', async () => {
    const { events, deliveries, useCase } = setUp({});
    expect(await useCase.execute(tx, { step: 'completed', payment: orderPayment })).toEqual({ recorded: true, deliveries: 0 });
    expect(events.rows).toHaveLength(1);
    expect(deliveries.rows).toEqual([]);
  });
});
