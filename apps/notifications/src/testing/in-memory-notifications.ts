import type { EntityManager } from 'typeorm';
import { NotificationDraft, NotificationStore, RecordedNotification } from '../payment-receipts/record-payment-receipts/notification-store';

/**
 * In-memory NotificationStore with the table's unique keys, (user, payment, kind) and (user,
 * collect request, kind), and the deferring a chunk run as one uses (unit tests only).
 */
export class InMemoryNotificationStore extends NotificationStore {
  readonly rows: (NotificationDraft & RecordedNotification)[] = [];
  /** How many rows each writeDeferredInserts wrote. */
  readonly deferredWrites: number[] = [];
  private readonly deferred = new WeakMap<EntityManager, (NotificationDraft & RecordedNotification)[]>();
  private nextId = 1;

  /** `createdAt`: the time every row is recorded at. */
  constructor(private readonly createdAt: Date) {
    super();
  }

  async insertIgnoringDuplicates(manager: EntityManager, drafts: readonly NotificationDraft[]): Promise<RecordedNotification[]> {
    const deferred = this.deferred.get(manager);
    if (deferred === undefined) return this.insert(drafts.filter((draft) => !this.has(draft)).map((draft) => this.recorded(draft)));
    const rows = drafts.map((draft) => this.recorded(draft));
    deferred.push(...rows);
    return rows;
  }

  deferInserts(manager: EntityManager): void {
    if (!this.deferred.has(manager)) this.deferred.set(manager, []);
  }

  async writeDeferredInserts(manager: EntityManager): Promise<void> {
    const rows = this.deferred.get(manager) ?? [];
    this.deferred.delete(manager);
    if (rows.length === 0) return;
    if (this.insert(rows).length !== rows.length) throw new Error('a deferred notification was there already');
    this.deferredWrites.push(rows.length);
  }

  private recorded(draft: NotificationDraft): NotificationDraft & RecordedNotification {
    return { ...draft, notificationId: `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, '0')}`, createdAt: this.createdAt };
  }

  private has(draft: NotificationDraft): boolean {
    const sameSubject = (row: NotificationDraft): boolean => (draft.paymentId !== undefined ? row.paymentId === draft.paymentId : row.collectRequestId === draft.collectRequestId);
    return this.rows.some((row) => row.userId === draft.userId && row.kind === draft.kind && sameSubject(row));
  }

  /** The rows not there yet (nor earlier in `rows`), stored; answers those. */
  private insert(rows: readonly (NotificationDraft & RecordedNotification)[]): RecordedNotification[] {
    const inserted: RecordedNotification[] = [];
    for (const row of rows) {
      if (this.has(row)) continue;
      this.rows.push(row);
      inserted.push(row);
    }
    return inserted;
  }
}
