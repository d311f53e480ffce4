import type { CollectRequestEvent, NotificationKind } from '@kirim/contracts';
import type { NotificationDraft } from '../../payment-receipts/record-payment-receipts/notification-store';
import type { AudienceOf } from '../../payment-receipts/record-payment-receipts/payment-receipt-rules';
import { renderReceipt } from '../../receipt-text/render-receipt';
import type { ReceiptFacts } from '../../receipt-text/receipt-facts';

/** What happened to a collect request that someone is told of; an approval is told by its payment's receipts. */
export type CollectStep = 'created' | 'expired' | 'declined';

/**
 * The merchant behind a merchant's request, as notifications knows it (`merchants`, from
 * payments.merchant.onboarded.v1); null for a person's request, or a merchant not heard of yet.
 */
export interface CollectMerchant {
  readonly ownerUserId: string;
  readonly displayName: string;
}

/**
 * Who is told what about a collect request (docs/notifications.md, "Who is told what"):
 * - created: the customer is asked to pay (`collect.requested`, the "waiting" text), naming the
 *   merchant whole for a merchant's request, nobody for a person's;
 * - expired: the customer, that the request lapsed and nothing was taken, and for a merchant's
 *   request the owner, that it lapsed unanswered;
 * - declined: for a merchant's request its owner. The customer who declined is not told what they
 *   just did in the app.
 * The owner's receipts name no customer (notifications does not know their name). A person asking is
 * told nothing: they read the answer at GET /v1/collect-requests/{id}. A merchant not heard of yet is
 * not named, and its owner cannot be told.
 */
export function collectReceiptsFor(step: CollectStep, request: CollectRequestEvent, merchant: CollectMerchant | null, audienceOf: AudienceOf = () => ({})): NotificationDraft[] {
  const facts = {
    amount: request.amount,
    occurredAt: request.occurredAt,
    // The requester's own id for the request, the reference its customer and owner can quote,
    // labelled as a merchant's or a person's.
    ...(request.merchantId !== undefined ? { merchantReference: request.reference } : { requestReference: request.reference }),
  };
  const toCustomer = merchant === null ? facts : { ...facts, counterparty: { type: 'merchant' as const, displayName: merchant.displayName } };
  const draft = (userId: string, kind: NotificationKind, receipt: ReceiptFacts): NotificationDraft => {
    const { locale, title, body } = renderReceipt(receipt, audienceOf(userId));
    return { userId, kind, collectRequestId: request.collectRequestId, locale, title, body };
  };
  const owner = merchant?.ownerUserId;
  switch (step) {
    case 'created':
      return [
        draft(request.payerUserId, 'collect.requested', {
          kind: 'collect.waiting',
          role: 'payer',
          ...toCustomer,
          expiresAt: request.expiresAt,
          ...(request.note !== undefined ? { note: request.note } : {}),
        }),
      ];
    case 'expired':
      return [
        draft(request.payerUserId, 'collect.expired', { kind: 'collect.expired', role: 'payer', ...toCustomer }),
        ...(owner !== undefined ? [draft(owner, 'collect.expired', { kind: 'collect.expired', role: 'merchant', ...facts })] : []),
      ];
    case 'declined':
      return owner !== undefined ? [draft(owner, 'collect.declined', { kind: 'collect.declined', role: 'merchant', ...facts })] : [];
  }
}
