import { Injectable } from '@nestjs/common';
import type { PaymentLifecycleEvent, PaymentMerchantLink } from '@kirim/contracts';
import type { InTransaction, TransactionScope } from '@kirim/messaging';
import { MerchantDirectory } from '../../merchant-webhooks/merchant-directory';
import { MerchantEventStore } from '../../merchant-webhooks/merchant-event.store';
import { ReceiptRecorder, RecordedReceipts } from '../../notifications/record-receipts';
import { MerchantReceiptContext, PaymentOutcome, receiptsFor } from './payment-receipt-rules';

export interface RecordPaymentReceiptsCommand {
  readonly outcome: PaymentOutcome;
  readonly payment: PaymentLifecycleEvent;
}

export type RecordPaymentReceiptsResult = RecordedReceipts;

/**
 * Records the receipts a payment outcome calls for, each in its recipient's language and time zone
 * (as identity last announced them; en-IN and Asia/Kolkata for one who set none), announces each new one and writes its
 * deliveries (one per configured endpoint: the chat platform's webhook, and SMS when identity said the
 * recipient has no app; receipt-deliveries.ts), all through ReceiptRecorder. A merchant's order payment
 * or refund names the merchant, and a refund says how much of the payment it returns, as far as
 * notifications knows them (payment-receipt-rules.ts). Runs in the consumer
 * batch's transaction: the rows, their deliveries, their outbox events and the inbox record commit
 * together, so a receipt is never without its delivery, nor a delivery without its receipt.
 */
@Injectable()
export class RecordPaymentReceipts {
  constructor(
    private readonly receipts: ReceiptRecorder,
    private readonly merchants: MerchantDirectory,
    private readonly merchantEvents: MerchantEventStore,
  ) {}

  async execute(tx: TransactionScope, command: RecordPaymentReceiptsCommand): Promise<RecordPaymentReceiptsResult> {
    // One query for both parties; each receipt is then written in its reader's language and zone,
    // and delivered by SMS too to a reader without the app.
    const { payerUserId, payeeUserId } = command.payment;
    const readers = await this.receipts.readersOf(tx, [payerUserId, payeeUserId]);
    const link = command.payment.merchant;
    const merchant = link === undefined ? {} : await this.merchantContextOf(tx, command.outcome, link);
    const drafts = receiptsFor(command.outcome, command.payment, readers.audienceOf, merchant);
    return this.receipts.record(tx, drafts, readers, new Date(command.payment.occurredAt));
  }

  /**
   * The merchant's name and, for a completed refund, the amount of the order's payment: read in the
   * batch's transaction, so an onboarding or an order payment recorded earlier in the same batch
   * counts. Either may be unknown (a merchant not heard of yet, a payment completed before
   * notifications kept merchant events); the receipts then say less.
   */
  private async merchantContextOf(tx: InTransaction, outcome: PaymentOutcome, link: PaymentMerchantLink): Promise<MerchantReceiptContext> {
    const known = await this.merchants.findByIdIn(tx, link.merchantId);
    const paidAmount = link.refundOf !== undefined && outcome === 'completed' ? await this.merchantEvents.paidAmountOf(tx, link.merchantId, link.refundOf) : null;
    return { ...(known !== null ? { displayName: known.displayName } : {}), ...(paidAmount !== null ? { paidAmount } : {}) };
  }
}
