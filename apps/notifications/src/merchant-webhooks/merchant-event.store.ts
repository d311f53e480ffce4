import { MerchantWebhook, Money, MoneyDto } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';

/** One thing a merchant is told: the webhook's type and data, built once from payments' event. */
export interface MerchantEventDraft {
  readonly merchantEventId: string;
  readonly merchantId: string;
  readonly type: MerchantWebhook['type'];
  readonly data: MerchantWebhook['data'];
  readonly occurredAt: Date;
  readonly createdAt: Date;
}

/** Where merchant events are kept (a port; `merchant_events`). */
export abstract class MerchantEventStore {
  /**
   * Inserts the event in the caller's transaction unless the merchant already has one of its type
   * for the payment (a redelivered or replayed payment event); true when this call inserted it.
   */
  abstract insertIgnoringDuplicate(tx: InTransaction, event: MerchantEventDraft): Promise<boolean>;

  /**
   * The amount of the merchant's order payment, from its `payment.completed` event, read in the
   * caller's transaction; null when none is recorded (or its amount is unreadable).
   */
  abstract paidAmountOf(tx: InTransaction, merchantId: string, paymentId: string): Promise<MoneyDto | null>;
}

/** PostgreSQL adapter of MerchantEventStore. */
export class TypeOrmMerchantEventStore extends MerchantEventStore {
  async insertIgnoringDuplicate(tx: InTransaction, event: MerchantEventDraft): Promise<boolean> {
    const rows: { id: string }[] = await tx.manager.query(
      `INSERT INTO merchant_events (id, merchant_id, type, payment_id, data, occurred_at, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
       ON CONFLICT (merchant_id, payment_id, type) DO NOTHING
       RETURNING id`,
      [event.merchantEventId, event.merchantId, event.type, event.data.paymentId, JSON.stringify(event.data), event.occurredAt, event.createdAt],
    );
    return rows.length === 1;
  }

  async paidAmountOf(tx: InTransaction, merchantId: string, paymentId: string): Promise<MoneyDto | null> {
    const rows: { amount: { value: string; currency: string } | null }[] = await tx.manager.query(
      `SELECT data->'amount' AS amount FROM merchant_events WHERE merchant_id = $1 AND payment_id = $2 AND type = 'payment.completed'`,
      [merchantId, paymentId],
    );
    const amount = rows[0]?.amount;
    if (amount === undefined || amount === null) return null;
    // Written from a validated event, so this holds; a row that does not must not stop the consumer.
    const money = Money.parse(amount);
    return Money.isError(money) ? null : money.toDto();
  }
}
