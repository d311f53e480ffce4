import type { MerchantPaymentWebhookData } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import type { ClaimedDelivery, DeliveryDraft, DeliveryOutcome, DeliveryRecord } from '../delivery/delivery';
import { DeliveryChannel } from '../delivery/delivery-channel';
import { AttemptRecord, ClaimRequest, DeliveryPage, DeliveryPageRequest, DeliveryRepository, DeliveryStatusView, ReplayOutcome } from '../delivery/delivery.repository';

const CANNED_MERCHANT_ID = '7a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

function cannedMerchantData(occurredAt: Date): MerchantPaymentWebhookData {
  return {
    merchantId: CANNED_MERCHANT_ID,
    orderId: '8b2d3e4f-5061-4b7c-9d8e-0f1a2b3c4d5e',
    paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
    txnId: 'KRM3F2E1D0C9B8A4765A43210FEDCBA9876',
    amount: { value: '500.00', currency: 'INR' },
    status: 'completed',
    occurredAt: occurredAt.toISOString(),
  };
}

type StoredDelivery = { -readonly [K in keyof DeliveryRecord]: DeliveryRecord[K] } & { occurredAt: Date };

/** In-memory DeliveryRepository with the table's unique key and claim rules (unit tests only). */
export class InMemoryDeliveries extends DeliveryRepository {
  readonly rows: StoredDelivery[] = [];
  readonly claims: ClaimRequest[] = [];
  /** How many times outcomes were written (each write stores one pass's). */
  outcomeWrites = 0;

  /** Drafts kept per deferring transaction (its manager), and how many each writeDeferredInserts wrote. */
  private readonly deferred = new WeakMap<object, DeliveryDraft[]>();
  readonly deferredWrites: number[] = [];

  async insertPending(tx: InTransaction, drafts: readonly DeliveryDraft[]): Promise<number> {
    const deferred = this.deferred.get(tx.manager);
    if (deferred !== undefined) {
      deferred.push(...drafts);
      return drafts.length;
    }
    return this.insert(drafts);
  }

  deferInserts(tx: InTransaction): void {
    if (!this.deferred.has(tx.manager)) this.deferred.set(tx.manager, []);
  }

  async writeDeferredInserts(tx: InTransaction): Promise<void> {
    const drafts = this.deferred.get(tx.manager) ?? [];
    this.deferred.delete(tx.manager);
    if (drafts.length === 0) return;
    if (this.insert(drafts) !== drafts.length) throw new Error('a deferred delivery was there already');
    this.deferredWrites.push(drafts.length);
  }

  private insert(drafts: readonly DeliveryDraft[]): number {
    let inserted = 0;
    for (const draft of drafts) {
      const sameMessage = (r: StoredDelivery): boolean =>
        draft.merchantEventId !== undefined ? r.merchantEventId === draft.merchantEventId : r.notificationId === draft.notificationId;
      if (this.rows.some((r) => sameMessage(r) && r.endpointKey === draft.endpointKey)) continue;
      this.rows.push({
        deliveryId: draft.deliveryId,
        notificationId: draft.notificationId ?? null,
        recipientUserId: draft.recipientUserId ?? null,
        merchantEventId: draft.merchantEventId ?? null,
        channel: draft.channel,
        endpointKey: draft.endpointKey,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: draft.createdAt,
        lastError: null,
        createdAt: draft.createdAt,
        deliveredAt: null,
        deadAt: null,
        replayedAt: null,
        replayedBy: null,
        occurredAt: draft.occurredAt,
      });
      inserted += 1;
    }
    return inserted;
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    this.claims.push(request);
    const due = this.rows
      .filter((r) => r.endpointKey === request.endpointKey && (r.status === 'pending' || r.status === 'delivering') && r.nextAttemptAt.getTime() <= request.now.getTime())
      .slice(0, request.limit);
    return due.map((row) => {
      row.status = 'delivering';
      row.attempts += 1;
      row.nextAttemptAt = request.leaseUntil;
      const claim = { deliveryId: row.deliveryId, endpointKey: row.endpointKey, channel: row.channel, attempt: row.attempts };
      if (row.notificationId === null || row.recipientUserId === null) {
        // A merchant event's delivery: its message is the fake's canned one.
        return { ...claim, merchantEvent: { merchantEventId: row.merchantEventId ?? '', merchantId: CANNED_MERCHANT_ID, type: 'payment.completed' as const, data: cannedMerchantData(row.occurredAt) } };
      }
      return {
        ...claim,
        notification: {
          notificationId: row.notificationId,
          recipientUserId: row.recipientUserId,
          kind: 'payment.sent',
          paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
          locale: 'en-IN',
          title: 'Payment sent',
          body: 'You paid ₹500.00.',
          occurredAt: row.occurredAt,
        },
      };
    });
  }

  async dueEndpointKeys(now: Date): Promise<Set<string>> {
    return new Set(this.rows.filter((r) => (r.status === 'pending' || r.status === 'delivering') && r.nextAttemptAt.getTime() <= now.getTime()).map((r) => r.endpointKey));
  }

  async recordOutcomes(records: readonly AttemptRecord[]): Promise<Set<string>> {
    this.outcomeWrites += 1;
    const stored = new Set<string>();
    for (const { deliveryId, attempt, outcome } of records) {
      const row = this.rows.find((r) => r.deliveryId === deliveryId && r.status === 'delivering' && r.attempts === attempt);
      if (!row) continue;
      row.status = outcome.status;
      switch (outcome.status) {
        case 'delivered':
          row.deliveredAt = outcome.at;
          row.lastError = null;
          break;
        case 'pending':
          row.nextAttemptAt = outcome.nextAttemptAt;
          row.lastError = outcome.error;
          break;
        case 'dead':
          row.deadAt = outcome.at;
          row.lastError = outcome.error;
          break;
      }
      stored.add(deliveryId);
    }
    return stored;
  }

  async list(request: DeliveryPageRequest): Promise<DeliveryPage> {
    const items = this.rows.filter((r) => request.status === undefined || r.status === request.status).slice(0, request.limit);
    return { items, next: null };
  }

  async replayDead(deliveryId: string, now: Date, operator: string): Promise<ReplayOutcome> {
    const row = this.rows.find((r) => r.deliveryId === deliveryId);
    if (!row) return { outcome: 'not-found' };
    if (row.status !== 'dead') return { outcome: 'not-dead', delivery: { ...row } };
    Object.assign(row, { status: 'pending', attempts: 0, nextAttemptAt: now, deadAt: null, replayedAt: now, replayedBy: operator });
    return { outcome: 'replayed', delivery: { ...row } };
  }

  async statusesOf(notificationIds: readonly string[]): Promise<Map<string, DeliveryStatusView[]>> {
    const statuses = new Map<string, DeliveryStatusView[]>();
    for (const row of this.rows) {
      if (row.notificationId === null || !notificationIds.includes(row.notificationId)) continue;
      statuses.set(row.notificationId, [...(statuses.get(row.notificationId) ?? []), { channel: row.channel, status: row.status, attempts: row.attempts, deliveredAt: row.deliveredAt }]);
    }
    return statuses;
  }

  byId(deliveryId: string): StoredDelivery {
    const row = this.rows.find((r) => r.deliveryId === deliveryId);
    if (!row) throw new Error(`no delivery ${deliveryId}`);
    return row;
  }
}

/** A channel that answers what a test scripts, one outcome per call (the last one repeats). */
export class ScriptedChannel extends DeliveryChannel {
  readonly channel = 'chat' as const;
  readonly sent: ClaimedDelivery[] = [];

  constructor(
    readonly endpointKey: string,
    private readonly outcomes: (DeliveryOutcome | Error)[] = [{ kind: 'delivered' }],
  ) {
    super();
  }

  async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    this.sent.push(delivery);
    const next = this.outcomes.length > 1 ? this.outcomes.shift() : this.outcomes[0];
    if (next === undefined) return { kind: 'delivered' };
    if (next instanceof Error) throw next;
    return next;
  }
}
