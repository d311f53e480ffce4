import type { EntityManager } from 'typeorm';
import { EVENT_TYPES } from '@kirim/contracts';
import type { OutgoingEvent, TransactionScope } from '@kirim/messaging';
import { NotificationStore, RecordedNotification } from './notification-store';
import type { ReceiptDraft } from './payment-receipt-rules';
import { PAYEE, PAYER, PAYMENT_ID, paymentEvent } from '../payment-event.fixture';
import { RecordPaymentReceipts } from './record-payment-receipts';

/** In-memory store with the table's unique key (user, payment, kind). */
class FakeNotificationStore extends NotificationStore {
  readonly rows: (ReceiptDraft & RecordedNotification)[] = [];
  private nextId = 1;

  async insertIgnoringDuplicates(_manager: EntityManager, drafts: readonly ReceiptDraft[]): Promise<RecordedNotification[]> {
    const inserted: RecordedNotification[] = [];
    for (const draft of drafts) {
      const exists = this.rows.some((r) => r.userId === draft.userId && r.paymentId === draft.paymentId && r.kind === draft.kind);
      if (exists) continue;
      const row = {
        ...draft,
        notificationId: `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, '0')}`,
        createdAt: new Date('2025-11-28T10:00:01.000Z'),
      };
      this.rows.push(row);
      inserted.push(row);
    }
    return inserted;
  }
}

function fakeTransaction(): { tx: TransactionScope; published: OutgoingEvent[] } {
  const published: OutgoingEvent[] = [];
  const tx: TransactionScope = {
    manager: {} as EntityManager,
    publish: async (event) => {
      published.push(event);
    },
  };
  return { tx, published };
}

describe('RecordPaymentReceipts', () => {
  it('records a receipt for payer and payee of a completed payment and announces each, keyed by user', async () => {
    const store = new FakeNotificationStore();
    const { tx, published } = fakeTransaction();

    const result = await new RecordPaymentReceipts(store).execute(tx, { outcome: 'completed', payment: paymentEvent() });

    expect(result).toEqual({ recorded: 2 });
    expect(store.rows.map((r) => r.kind)).toEqual(['payment.sent', 'payment.received']);
    expect(published).toEqual([
      {
        type: EVENT_TYPES.NOTIFICATION_RECORDED,
        key: PAYER,
        subject: store.rows[0].notificationId,
        data: {
          notificationId: store.rows[0].notificationId,
          userId: PAYER,
          kind: 'payment.sent',
          paymentId: PAYMENT_ID,
          recordedAt: '2025-11-28T10:00:01.000Z',
        },
      },
      expect.objectContaining({ key: PAYEE, data: expect.objectContaining({ userId: PAYEE, kind: 'payment.received' }) }),
    ]);
  });

  it('records and announces nothing when the same outcome is applied again', async () => {
    const store = new FakeNotificationStore();
    const useCase = new RecordPaymentReceipts(store);
    await useCase.execute(fakeTransaction().tx, { outcome: 'completed', payment: paymentEvent() });

    const replay = fakeTransaction();
    const result = await useCase.execute(replay.tx, { outcome: 'completed', payment: paymentEvent() });

    expect(result).toEqual({ recorded: 0 });
    expect(store.rows).toHaveLength(2);
    expect(replay.published).toEqual([]);
  });

  it('tells only the payer about a failure', async () => {
    const store = new FakeNotificationStore();
    const { tx, published } = fakeTransaction();

    await new RecordPaymentReceipts(store).execute(tx, {
      outcome: 'failed',
      payment: paymentEvent({ status: 'debit_failed', resultCode: 'Z9' }),
    });

    expect(store.rows).toEqual([expect.objectContaining({ userId: PAYER, kind: 'payment.failed' })]);
    expect(published.map((e) => e.key)).toEqual([PAYER]);
  });
});
