import { Injectable } from '@nestjs/common';
import type { CollectRequestEvent } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { MerchantDirectory } from '../../merchant-webhooks/merchant-directory';
import { ReceiptRecorder, RecordedReceipts } from '../../notifications/record-receipts';
import { CollectMerchant, collectReceiptsFor, CollectStep } from './collect-receipt-rules';

export interface RecordCollectReceiptsCommand {
  readonly step: CollectStep;
  readonly request: CollectRequestEvent;
}

export type RecordCollectReceiptsResult = RecordedReceipts;

/**
 * Records the receipts a collect request's creation, expiry or decline calls for
 * (collect-receipt-rules.ts), each in its recipient's language and time zone, announces each new one
 * (`notification.recorded.v1`, with the request's id) and writes its deliveries, as
 * RecordPaymentReceipts does for a payment (both through ReceiptRecorder). The merchant (its name, its owner) is read in the
 * consumer batch's transaction, so an onboarding earlier in the same batch counts. All of it commits
 * with the batch; a redelivered or replayed event inserts nothing (unique per user, request and
 * kind), so it announces and delivers nothing twice.
 */
@Injectable()
export class RecordCollectReceipts {
  constructor(
    private readonly receipts: ReceiptRecorder,
    private readonly merchants: MerchantDirectory,
  ) {}

  async execute(tx: TransactionScope, command: RecordCollectReceiptsCommand): Promise<RecordCollectReceiptsResult> {
    const { request } = command;
    const known = request.merchantId === undefined ? null : await this.merchants.findByIdIn(tx, request.merchantId);
    const merchant: CollectMerchant | null = known === null ? null : { ownerUserId: known.ownerUserId, displayName: known.displayName };
    // One query for everyone who may be told: the customer and, for a merchant's request, its owner.
    const readers = await this.receipts.readersOf(tx, merchant === null ? [request.payerUserId] : [request.payerUserId, merchant.ownerUserId]);
    const drafts = collectReceiptsFor(command.step, request, merchant, readers.audienceOf);
    return this.receipts.record(tx, drafts, readers, new Date(request.occurredAt));
  }
}
