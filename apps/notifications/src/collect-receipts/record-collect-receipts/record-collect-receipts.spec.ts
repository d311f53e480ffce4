import type { EntityManager } from 'typeorm';
import { CollectRequestEvent, EVENT_TYPES } from '@kirim/contracts';
import type { OutgoingEvent, TransactionScope } from '@kirim/messaging';
import { FixedClock, SequentialIds } from '@kirim/testing';
import type { DeliveryOutcome } from '../../delivery/delivery';
import { DeliveryChannel, StaticDeliveryEndpoints } from '../../delivery/delivery-channel';
import { ReceiptRecorder } from '../../notifications/record-receipts';
import { InMemoryDeliveries, ScriptedChannel } from '../../testing/in-memory-deliveries';
import { InMemoryNotificationStore } from '../../testing/in-memory-notifications';
import { InMemoryMerchantDirectory, knownMerchant, MERCHANT, OWNER } from '../../testing/in-memory-merchant-webhooks';
import { InMemoryRecipientPreferences } from '../../testing/in-memory-recipient-preferences';
import { RecordCollectReceipts } from './record-collect-receipts.use-case';

const CUSTOMER = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const REQUESTER = '8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f';
const REQUEST_ID = '6d7e8f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f';

/** A merchant's request of ₹250.00, made at 10:00 UTC (3:30 pm in Kolkata), due 30 minutes later. */
function collectEvent(overrides: Partial<CollectRequestEvent> = {}): CollectRequestEvent {
  return {
    collectRequestId: REQUEST_ID,
    payerUserId: CUSTOMER,
    merchantId: MERCHANT,
    reference: 'INV-7781',
    amount: { value: '250.00', currency: 'INR' },
    note: 'Table 4',
    status: 'pending',
    expiresAt: '2026-11-28T10:30:00.000Z',
    occurredAt: '2026-11-28T10:00:00.000Z',
    ...overrides,
  };
}

/** A person's request (P2P collect): a requester instead of a merchant. */
function personEvent(overrides: Partial<CollectRequestEvent> = {}): CollectRequestEvent {
  const { merchantId: _merchant, ...event } = collectEvent({ reference: 'rent-dec', note: 'December rent', ...overrides });
  return { ...event, requesterUserId: REQUESTER };
}


/** The SMS endpoint as receipt deliveries see it: for users without the app only. */
class SmsEndpoint extends DeliveryChannel {
  readonly channel = 'sms' as const;
  override readonly audience = 'users-without-app' as const;
  readonly endpointKey = 'sms';
  async deliver(): Promise<DeliveryOutcome> {
    return { kind: 'delivered' };
  }
}

function fakeTransaction(): { tx: TransactionScope; published: OutgoingEvent[] } {
  const published: OutgoingEvent[] = [];
  return { tx: { manager: {} as EntityManager, publish: async (event) => void published.push(event), afterCommit: () => undefined }, published };
}

function setup() {
  const store = new InMemoryNotificationStore(new Date('2026-11-28T10:00:01.000Z'));
  const deliveries = new InMemoryDeliveries();
  const preferences = new InMemoryRecipientPreferences();
  const merchants = new InMemoryMerchantDirectory(knownMerchant());
  const endpoints = new StaticDeliveryEndpoints([new ScriptedChannel('chat'), new SmsEndpoint()]);
  const receipts = new ReceiptRecorder(store, deliveries, endpoints, preferences, new FixedClock(), new SequentialIds());
  const record = new RecordCollectReceipts(receipts, merchants);
  return { store, deliveries, preferences, merchants, record };
}

const told = (store: InMemoryNotificationStore) => store.rows.map((row) => [row.userId, row.kind]);

describe('RecordCollectReceipts', () => {
  it("asks the customer to pay a merchant's request, naming the merchant, its note, the deadline and the reference; announces it by the request's id", async () => {
    const { store, record } = setup();
    const { tx, published } = fakeTransaction();

    expect(await record.execute(tx, { step: 'created', request: collectEvent() })).toEqual({ recorded: 1, deliveries: 1 });

    expect(store.rows).toEqual([
      expect.objectContaining({
        userId: CUSTOMER,
        kind: 'collect.requested',
        collectRequestId: REQUEST_ID,
        locale: 'en-IN',
        title: 'Payment request',
        body:
          'Chai Point asks you to pay ₹250.00. To pay, approve it in the app with your UPI PIN before 28 Nov 2026, 4:00 pm IST; otherwise decline it. ' +
          'Entering your UPI PIN always sends money from your account: you never need it to receive money.\nNote: “Table 4”\n\n' +
          '28 Nov 2026, 3:30 pm IST\nMerchant reference: INV-7781',
      }),
    ]);
    expect(store.rows[0].paymentId).toBeUndefined();
    expect(published).toEqual([
      {
        type: EVENT_TYPES.NOTIFICATION_RECORDED,
        key: CUSTOMER,
        subject: store.rows[0].notificationId,
        data: { notificationId: store.rows[0].notificationId, userId: CUSTOMER, kind: 'collect.requested', collectRequestId: REQUEST_ID, recordedAt: '2026-11-28T10:00:01.000Z' },
      },
    ]);
  });

  it("writes to a Hindi-reading customer in Hindi, with Intl's hi-IN amount and date", async () => {
    const { store, preferences, record } = setup();
    preferences.rows.set(CUSTOMER, { userId: CUSTOMER, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: new Date('2026-11-01T00:00:00Z') });

    await record.execute(fakeTransaction().tx, { step: 'created', request: collectEvent({ amount: { value: '125000.50', currency: 'INR' }, note: 'टेबल 4' }) });

    expect(store.rows.map((row) => [row.locale, row.title])).toEqual([['hi-IN', 'भुगतान का अनुरोध']]);
    expect(store.rows[0].body.split('\n')).toEqual([
      'Chai Point ने आपसे ₹1,25,000.50 का भुगतान माँगा है। भुगतान करने के लिए 28 नव॰ 2026, 4:00 pm IST से पहले ऐप में अपने UPI PIN से इसे स्वीकार करें; नहीं तो इसे अस्वीकार करें। ' +
        'UPI PIN डालने पर आपके खाते से हमेशा पैसा जाता है: पैसा पाने के लिए PIN की कभी ज़रूरत नहीं होती।',
      'नोट: “टेबल 4”',
      '',
      '28 नव॰ 2026, 3:30 pm IST',
      'मर्चेंट संदर्भ: INV-7781',
    ]);
  });

  it("tells the customer and the merchant's owner that a merchant's request expired, the owner's receipt naming no customer", async () => {
    const { store, preferences, record } = setup();
    const { tx, published } = fakeTransaction();

    const result = await record.execute(tx, { step: 'expired', request: collectEvent({ status: 'expired', resultCode: 'U69', occurredAt: '2026-11-28T10:30:00.000Z' }) });

    expect(result).toEqual({ recorded: 2, deliveries: 2 });
    expect(preferences.lookups).toEqual([[CUSTOMER, OWNER]]);
    expect(store.rows.map((row) => [row.userId, row.kind, row.title, row.body.split('\n')[0]])).toEqual([
      [CUSTOMER, 'collect.expired', 'Payment request expired', 'The request from Chai Point for ₹250.00 expired before you answered. No money was taken from your account.'],
      [OWNER, 'collect.expired', 'Payment request expired', 'Your request for ₹250.00 expired without an answer. Send a new request if the customer still wants to pay.'],
    ]);
    expect(published.map((event) => [event.key, (event.data as { collectRequestId?: string }).collectRequestId])).toEqual([
      [CUSTOMER, REQUEST_ID],
      [OWNER, REQUEST_ID],
    ]);
  });

  it("tells the merchant's owner of a decline, and not the customer who declined", async () => {
    const { store, record } = setup();

    await record.execute(fakeTransaction().tx, { step: 'declined', request: collectEvent({ status: 'declined' }) });

    expect(store.rows.map((row) => [row.userId, row.kind, row.title, row.body.split('\n')[0]])).toEqual([
      [OWNER, 'collect.declined', 'Payment request declined', 'The customer declined your request for ₹250.00.'],
    ]);
  });

  it("asks the customer of a person's request without naming anyone, and tells the requester nothing of its expiry or decline", async () => {
    const { store, preferences, record } = setup();

    await record.execute(fakeTransaction().tx, { step: 'created', request: personEvent() });
    await record.execute(fakeTransaction().tx, { step: 'expired', request: personEvent({ status: 'expired', resultCode: 'U69' }) });
    expect(await record.execute(fakeTransaction().tx, { step: 'declined', request: personEvent({ collectRequestId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b', status: 'declined' }) })).toEqual({
      recorded: 0,
      deliveries: 0,
    });

    expect(told(store)).toEqual([
      [CUSTOMER, 'collect.requested'],
      [CUSTOMER, 'collect.expired'],
    ]);
    expect(store.rows[1].body.split('\n')[0]).toBe('The request for ₹250.00 expired before you answered. No money was taken from your account.');
    expect(preferences.lookups.every((users) => users.length === 1 && users[0] === CUSTOMER)).toBe(true);
  });

  it('names no merchant it has not heard of yet, and cannot tell an owner it does not know', async () => {
    const { store, merchants, record } = setup();
    merchants.merchants.clear();

    await record.execute(fakeTransaction().tx, { step: 'expired', request: collectEvent({ status: 'expired', resultCode: 'U69' }) });

    expect(told(store)).toEqual([[CUSTOMER, 'collect.expired']]);
    expect(store.rows[0].body.split('\n')[0]).toBe('The request for ₹250.00 expired before you answered. No money was taken from your account.');
  });

  it('records, announces and delivers nothing again when the same event comes again', async () => {
    const { store, deliveries, record } = setup();
    await record.execute(fakeTransaction().tx, { step: 'expired', request: collectEvent({ status: 'expired', resultCode: 'U69' }) });

    const replay = fakeTransaction();
    expect(await record.execute(replay.tx, { step: 'expired', request: collectEvent({ status: 'expired', resultCode: 'U69' }) })).toEqual({ recorded: 0, deliveries: 0 });

    expect(store.rows).toHaveLength(2);
    expect(deliveries.rows).toHaveLength(2);
    expect(replay.published).toEqual([]);
  });

  it('delivers to the chat, and by SMS too to a recipient identity said has no app, at the time of the event', async () => {
    const { deliveries, preferences, record } = setup();
    await preferences.saveAppPresenceIfNewer(fakeTransaction().tx, { userId: CUSTOMER, hasApp: false, changedAt: new Date('2026-11-01T00:00:00Z') });

    await record.execute(fakeTransaction().tx, { step: 'expired', request: collectEvent({ status: 'expired', resultCode: 'U69', occurredAt: '2026-11-28T10:30:00.000Z' }) });

    expect(deliveries.rows.map((row) => [row.recipientUserId, row.channel, row.occurredAt.toISOString()])).toEqual([
      [CUSTOMER, 'chat', '2026-11-28T10:30:00.000Z'],
      [CUSTOMER, 'sms', '2026-11-28T10:30:00.000Z'],
      [OWNER, 'chat', '2026-11-28T10:30:00.000Z'],
    ]);
  });
});
