import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ALL_RESULT_CODES, Money, PAYMENT_STATUSES, PaymentStatus, ResultCode, SUPPORTED_CURRENCIES, Currency } from '@kirim/contracts';
import { OutboxRows, type TransactionScope } from '@kirim/messaging';
import { DEEMED_LEGS, MerchantPaymentLink, Payment, PAYMENT_KINDS, paymentKind, REVERSAL_FAILURES } from './payment';
import { PaymentEntity, PaymentOperatorActionEntity } from './payment.entity';
import { PayerUsageQuery } from '../limits/payer-usage.repository';
import { PayerLimitBounds, PayerUsage } from '../limits/payment-limits-policy';
import { PAYER_LIMIT_LOCK_NAMESPACE, PayerUsageRow, payerUsageOfRow } from '../limits/typeorm-payer-usage.repository';

/** A transaction to work in: the messaging TransactionScope, or anything else carrying its manager. */
export type InTransaction = Pick<TransactionScope, 'manager'>;

/** Storage of payments; the use cases see this port, unit tests an in-memory fake. */
export abstract class PaymentRepository {
  /** `SELECT ... FOR UPDATE`: concurrent results for one payment apply one after the other. */
  abstract lockById(tx: InTransaction, paymentId: string): Promise<Payment | null>;
  /**
   * Locks these payments, in id order, with one statement, and keeps their rows for `tx`: the next
   * `lockById` of each in that transaction is answered from them without asking the database, once
   * (a second one reads the row again, as the first may have changed it). A consumer chunk's
   * answers for many payments then cost one lock instead of one each.
   */
  abstract lockAll(tx: InTransaction, paymentIds: readonly string[]): Promise<void>;
  abstract findById(paymentId: string, tx?: InTransaction): Promise<Payment | null>;
  abstract insert(tx: InTransaction, payment: Payment): Promise<void>;
  /**
   * Claims the payment's Idempotency-Key and, only if it was free, inserts the payment and its
   * outbox rows: one statement for the three, the initiation's hot path. A request racing another
   * with the same key waits on the key's primary key until the other commits, then writes nothing
   * and is told which record holds the key.
   */
  abstract insertClaimed(tx: InTransaction, payment: Payment, key: IdempotencyRecord, outbox: OutboxRows | null): Promise<ClaimOutcome>;
  /**
   * A plain initiation's whole transaction as one statement (its own transaction: `tx` is a
   * one-statement unit): takes the payer's limit lock, then reads the key (held by a request that
   * committed meanwhile: `held`), then measures the payer's usage against `limits.bounds` (over
   * them: `over-limit`, with the usage), then claims the key and inserts the payment and its outbox
   * rows (`created`). Nothing is written unless it answers `created`.
   */
  abstract insertWithinLimits(tx: InTransaction, payment: Payment, key: IdempotencyRecord, limits: PayerLimitsCheck, outbox: OutboxRows | null): Promise<WithinLimitsOutcome>;
  /** Writes a locked payment's new state; in a transaction that defers updates (`deferUpdates`), only at `writeDeferredUpdates`. */
  abstract update(tx: InTransaction, payment: Payment): Promise<void>;
  /**
   * From now on in `tx`, `update` keeps the payment's new state instead of writing it, and
   * `lockById` and `findById` of that payment in `tx` answer with it; `writeDeferredUpdates` writes
   * all kept states with one statement. For a transaction that commits or fails as a whole (a
   * consumer chunk's fast path): a chunk's answers for many payments then cost one UPDATE instead
   * of one each. The rows stay locked meanwhile, as `update` is only ever given a locked payment.
   */
  abstract deferUpdates(tx: InTransaction): void;
  /** Writes what `update` kept since `deferUpdates` in `tx` (nothing if it kept nothing), with one statement. */
  abstract writeDeferredUpdates(tx: InTransaction): Promise<void>;
  /**
   * Locks up to `limit` payments whose timer is due at `now`, earliest first, skipping rows another
   * transaction holds (`FOR UPDATE SKIP LOCKED`): several pollers, one per replica, share the due
   * payments without waiting on each other or taking one twice. A row that cannot be read as a
   * payment comes back as `unreadable`, with the reason, so one bad row does not stop the others.
   */
  abstract lockDueTimers(tx: InTransaction, now: Date, limit: number): Promise<LockedPaymentRow[]>;
  /** Locks up to `limit` payments still owing a reversal past its deadline and not alerted yet (SKIP LOCKED). */
  abstract lockOverdueReversals(tx: InTransaction, now: Date, limit: number): Promise<LockedPaymentRow[]>;
  abstract markReversalOverdueAlerted(tx: InTransaction, paymentId: string, at: Date): Promise<void>;
  /**
   * Sets a payment's row aside: its timer stopped, the reason and time recorded, so the poller no
   * longer takes it and an operator finds it (`listNeedingOperator`). Touches nothing else of the
   * row, so it works on a row that cannot be read as a payment.
   */
  abstract quarantine(tx: InTransaction, paymentId: string, reason: string, at: Date): Promise<void>;
  /**
   * Payments an operator must look at, oldest first, after `cursor` (keyset pagination on
   * created_at, id: stable while rows change): a reversal whose retries are used up, a row set
   * aside, a credit confirmed after it was deemed failed.
   */
  abstract listNeedingOperator(query: { readonly after: OperatorListCursor | null; readonly limit: number }): Promise<PaymentNeedingOperator[]>;
  /**
   * Runs `work` under a savepoint of `tx`: if it throws, only what it wrote is undone and the
   * transaction stays usable, so one payment's failure does not undo the others of a batch.
   */
  abstract isolate<T>(tx: InTransaction, work: () => Promise<T>): Promise<T>;
  /** Appends to the payment's operator audit trail (never updated or deleted). */
  abstract recordOperatorAction(tx: InTransaction, action: OperatorActionRecord): Promise<void>;
  abstract operatorActions(paymentId: string): Promise<OperatorActionRecord[]>;
}

export type LockedPaymentRow = { readonly id: string; readonly payment: Payment } | { readonly id: string; readonly unreadable: string };

export interface OperatorListCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export type OperatorAttentionReason = 'reversal-retries-exhausted' | 'quarantined' | 'late-credit-after-deemed-failure';

export interface PaymentNeedingOperator {
  readonly paymentId: string;
  readonly createdAt: Date;
  /** The stored status as text: it may be what made the row unreadable. */
  readonly status: string;
  readonly reasons: readonly OperatorAttentionReason[];
  readonly quarantine: { readonly at: Date; readonly reason: string } | null;
  /** The payment, or null when its row cannot be read as one (the quarantine reason says why). */
  readonly payment: Payment | null;
}

export interface OperatorActionRecord {
  readonly id: string;
  readonly paymentId: string;
  readonly action: 'retry-reversal' | 'resolve-reversal';
  /** Who acted, as the operator API authenticated them. */
  readonly operator: string;
  /** The operator's reference for money returned another way (a bank's transfer reference, a ticket). */
  readonly reference: string | null;
  readonly note: string | null;
  readonly statusBefore: PaymentStatus;
  readonly statusAfter: PaymentStatus;
  readonly occurredAt: Date;
}

export interface IdempotencyRecord {
  readonly userId: string;
  readonly key: string;
  readonly requestFingerprint: string;
  readonly paymentId: string;
}

export type ClaimOutcome = { readonly claimed: true } | { readonly claimed: false; readonly existing: IdempotencyRecord };

/** Whose usage to measure under which payer lock, and the most it may be for the payment to pass. */
export interface PayerLimitsCheck {
  readonly query: PayerUsageQuery;
  readonly bounds: PayerLimitBounds;
}

export type WithinLimitsOutcome =
  | { readonly kind: 'created' }
  | { readonly kind: 'held'; readonly existing: IdempotencyRecord }
  | { readonly kind: 'over-limit'; readonly usage: PayerUsage };

/** Reading Idempotency-Keys; a key is claimed with its payment (PaymentRepository.insertClaimed). */
export abstract class IdempotencyKeyRepository {
  /** With `tx`, read inside that transaction (e.g. after a lock that orders it behind a concurrent claim). */
  abstract find(userId: string, key: string, tx?: InTransaction): Promise<IdempotencyRecord | null>;
}

/**
 * The statements every payment runs (read, lock, insert, update by id), written once from the
 * entity's own column mapping rather than built by TypeORM's query builder per call: each payment
 * runs them five or six times, and building and hydrating through TypeORM was the largest library
 * cost in payments' profile. Fixed texts are also what the connection prepares
 * (libs/platform/src/persistence/prepared-statements.ts).
 */
class PaymentRowStatements {
  private readonly columnOf: ReadonlyMap<string, string>;
  /** INSERT and UPDATE texts by the properties they write: toEntity always writes the same ones, so each is built once. */
  private readonly texts = new Map<string, string>();
  readonly select: string;
  readonly lock: string;
  /** Many rows by id, locked in id order (two transactions locking overlapping sets then never deadlock). */
  readonly lockMany: string;

  constructor(dataSource: DataSource) {
    const columns = dataSource.getMetadata(PaymentEntity).columns.map((column) => [column.propertyName, column.databaseName] as const);
    this.columnOf = new Map(columns);
    const selectRows = `SELECT ${columns.map(([, column]) => `"${column}"`).join(', ')} FROM payments`;
    this.select = `${selectRows} WHERE id = $1`;
    this.lock = `${this.select} FOR UPDATE`;
    this.lockMany = `${selectRows} WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`;
  }

  /** A row as TypeORM would have hydrated it: pg already gives the same values (bigint as text, timestamptz as Date). */
  entityOf(row: Record<string, unknown>): PaymentEntity {
    const entity = new PaymentEntity();
    for (const [property, column] of this.columnOf) (entity as unknown as Record<string, unknown>)[property] = row[column];
    return entity;
  }

  /** INSERT of the entity's properties, in their order. */
  insert(entity: PaymentEntity): [string, unknown[]] {
    const properties = Object.keys(entity);
    const text = this.textFor('insert', properties, () => `INSERT INTO payments (${properties.map((property) => `"${this.column(property)}"`).join(', ')}) VALUES (${properties.map((_, i) => `$${i + 1}`).join(', ')})`);
    return [text, properties.map((property) => entity[property as keyof PaymentEntity])];
  }

  /**
   * The INSERT of a new payment gated by its Idempotency-Key's claim, with its outbox rows, as one
   * statement of data-modifying CTEs; the key's four values are $1–$4. It answers `claimed`.
   * ON CONFLICT DO NOTHING rather than catching 23505: a unique violation aborts the whole
   * transaction, whereas this leaves it usable to read the winner's row.
   */
  insertClaimed(entity: PaymentEntity, key: IdempotencyRecord, outbox: OutboxRows | null): [string, unknown[]] {
    const properties = Object.keys(entity);
    const claimed = 'EXISTS (SELECT 1 FROM claim)';
    const outboxInsert = outbox?.insert(5 + properties.length, claimed);
    const text = this.textFor(outboxInsert === undefined ? 'claimed insert' : 'claimed insert with outbox', properties, () =>
      [
        `WITH claim AS (`,
        `  INSERT INTO idempotency_keys (user_id, key, request_fingerprint, payment_id) VALUES ($1, $2, $3, $4)`,
        `  ON CONFLICT (user_id, key) DO NOTHING RETURNING payment_id),`,
        `payment AS (`,
        `  INSERT INTO payments (${properties.map((property) => `"${this.column(property)}"`).join(', ')})`,
        `  SELECT ${properties.map((_, i) => `$${i + 5}`).join(', ')} WHERE ${claimed})`,
        ...(outboxInsert === undefined ? [] : [`, outbox AS (${outboxInsert.text})`]),
        `SELECT ${claimed} AS claimed`,
      ].join('\n'),
    );
    const values = properties.map((property) => entity[property as keyof PaymentEntity]);
    return [text, [key.userId, key.key, key.requestFingerprint, key.paymentId, ...values, ...(outboxInsert?.parameters ?? [])]];
  }

  /** The entity as a row of `payments` in JSON, keyed by column name (for jsonb_populate_record). */
  rowJson(entity: PaymentEntity): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    for (const [property, value] of Object.entries(entity)) row[this.column(property)] = value;
    return row;
  }

  /** UPDATE of every property but the id and what never changes after insert. */
  update(entity: PaymentEntity): [string, unknown[]] {
    const properties = mutableProperties(entity);
    const text = this.textFor('update', properties, () => `UPDATE payments SET ${properties.map((property, i) => `"${this.column(property)}" = $${i + 2}`).join(', ')} WHERE id = $1`);
    return [text, [entity.id, ...properties.map((property) => entity[property as keyof PaymentEntity])]];
  }

  /**
   * `update` of many payments as one statement: the rows come as one JSON array read into the
   * table's own row type (jsonb_populate_recordset), so every column keeps its type without a cast
   * per column, and the text is the same for any number of rows (prepared once).
   */
  updateMany(entities: readonly PaymentEntity[]): [string, unknown[]] {
    const properties = mutableProperties(entities[0]);
    const text = this.textFor('update many', properties, () =>
      [
        `UPDATE payments AS p SET ${properties.map((property) => `"${this.column(property)}" = r."${this.column(property)}"`).join(', ')}`,
        `FROM jsonb_populate_recordset(NULL::payments, $1::jsonb) AS r WHERE p.id = r.id`,
      ].join('\n'),
    );
    return [text, [JSON.stringify(entities.map((entity) => this.rowJson(entity)))]];
  }

  private textFor(kind: 'insert' | 'update' | 'update many' | 'claimed insert' | 'claimed insert with outbox', properties: readonly string[], build: () => string): string {
    const key = `${kind}:${properties.join(',')}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = build();
      this.texts.set(key, text);
    }
    return text;
  }

  private column(property: string): string {
    const column = this.columnOf.get(property);
    if (column === undefined) throw new Error(`PaymentEntity has no column for ${property}`);
    return column;
  }
}

const IMMUTABLE_PROPERTIES = new Set(['id', 'txnId', 'createdAt']);

function mutableProperties(entity: PaymentEntity): string[] {
  return Object.keys(entity).filter((property) => !IMMUTABLE_PROPERTIES.has(property));
}

@Injectable()
export class TypeOrmPaymentRepository extends PaymentRepository {
  private readonly statements: PaymentRowStatements;

  constructor(private readonly dataSource: DataSource) {
    super();
    this.statements = new PaymentRowStatements(dataSource);
  }

  /** Rows lockAll locked and no lockById has taken yet, per transaction (its EntityManager). */
  private readonly lockedRows = new WeakMap<EntityManager, Map<string, Record<string, unknown>>>();

  /** What `update` kept for the end of the transaction, per transaction that defers updates, by payment id. */
  private readonly deferredUpdates = new WeakMap<EntityManager, Map<string, Payment>>();

  async lockById(tx: InTransaction, paymentId: string): Promise<Payment | null> {
    // Already locked by this transaction, which changed it without writing yet.
    const deferred = this.deferredUpdates.get(tx.manager)?.get(paymentId);
    if (deferred !== undefined) return deferred;
    const kept = this.lockedRows.get(tx.manager);
    const row = kept?.get(paymentId);
    if (row !== undefined) {
      kept?.delete(paymentId);
      return toPayment(this.statements.entityOf(row));
    }
    const rows: Record<string, unknown>[] = await tx.manager.query(this.statements.lock, [paymentId]);
    return rows.length === 1 ? toPayment(this.statements.entityOf(rows[0])) : null;
  }

  async lockAll(tx: InTransaction, paymentIds: readonly string[]): Promise<void> {
    const ids = [...new Set(paymentIds)];
    if (ids.length === 0) return;
    // One id: the single-row lock, whose prepared plan PostgreSQL reuses (= ANY plans each time).
    const rows: Record<string, unknown>[] = ids.length === 1 ? await tx.manager.query(this.statements.lock, ids) : await tx.manager.query(this.statements.lockMany, [ids]);
    // Rows are read as payments only when a handler takes them, so a row that cannot be read fails
    // that handler alone, as lockById would.
    this.lockedRows.set(tx.manager, new Map(rows.map((row) => [String(row.id), row])));
  }

  async findById(paymentId: string, tx?: InTransaction): Promise<Payment | null> {
    const deferred = tx === undefined ? undefined : this.deferredUpdates.get(tx.manager)?.get(paymentId);
    if (deferred !== undefined) return deferred;
    const manager: EntityManager = tx?.manager ?? this.dataSource.manager;
    const rows: Record<string, unknown>[] = await manager.query(this.statements.select, [paymentId]);
    return rows.length === 1 ? toPayment(this.statements.entityOf(rows[0])) : null;
  }

  async insert(tx: InTransaction, payment: Payment): Promise<void> {
    await tx.manager.query(...this.statements.insert(toEntity(payment)));
  }

  async insertClaimed(tx: InTransaction, payment: Payment, key: IdempotencyRecord, outbox: OutboxRows | null): Promise<ClaimOutcome> {
    const [{ claimed }] = (await tx.manager.query(...this.statements.insertClaimed(toEntity(payment), key, outbox))) as [{ claimed: boolean }];
    if (claimed) return { claimed: true };
    // READ COMMITTED: the next statement's snapshot sees the row committed while the claim waited.
    const existing = await readIdempotencyKey(tx.manager, key.userId, key.key);
    // The conflicting row can only vanish if its transaction rolled back, and then the claim would have succeeded.
    if (!existing) throw new Error('idempotency key conflicted but no row holds it');
    return { claimed: false, existing };
  }

  async insertWithinLimits(tx: InTransaction, payment: Payment, key: IdempotencyRecord, limits: PayerLimitsCheck, outbox: OutboxRows | null): Promise<WithinLimitsOutcome> {
    // Its transaction ends with the statement: messages left to publish after it would not be atomic with the payment.
    if (outbox === null) throw new Error('insertWithinLimits writes the payment and its messages in one statement; it needs their outbox rows');
    const { query, bounds } = limits;
    const [row] = (await tx.manager.query(INITIATE_WITHIN_LIMITS, [
      PAYER_LIMIT_LOCK_NAMESPACE,
      query.payerUserId,
      query.windowStart,
      query.coolingStart,
      query.currency,
      bounds.maxCount,
      bounds.maxAmountMinor.toString(),
      bounds.maxSinceDeviceBoundMinor?.toString() ?? null,
      key.userId,
      key.key,
      key.requestFingerprint,
      this.statements.rowJson(toEntity(payment)),
      ...outbox.columns,
    ])) as [PayerUsageRow & { outcome: string; held_fingerprint: string | null; held_payment_id: string | null }];
    if (row.outcome === 'created') return { kind: 'created' };
    if (row.outcome === 'over-limit') return { kind: 'over-limit', usage: payerUsageOfRow(row) };
    if (row.outcome !== 'held' || row.held_fingerprint === null || row.held_payment_id === null) throw new Error(`initiate_payment_within_limits answered ${row.outcome}`);
    return { kind: 'held', existing: { userId: key.userId, key: key.key, requestFingerprint: row.held_fingerprint, paymentId: row.held_payment_id } };
  }

  async update(tx: InTransaction, payment: Payment): Promise<void> {
    // A row kept by lockAll is no longer what the table holds.
    this.lockedRows.get(tx.manager)?.delete(payment.id);
    const deferred = this.deferredUpdates.get(tx.manager);
    if (deferred !== undefined) deferred.set(payment.id, payment);
    else await tx.manager.query(...this.statements.update(toEntity(payment)));
  }

  deferUpdates(tx: InTransaction): void {
    if (!this.deferredUpdates.has(tx.manager)) this.deferredUpdates.set(tx.manager, new Map());
  }

  async writeDeferredUpdates(tx: InTransaction): Promise<void> {
    const deferred = this.deferredUpdates.get(tx.manager);
    if (deferred === undefined || deferred.size === 0) return;
    const entities = [...deferred.values()].map(toEntity);
    // Cleared first: if the write fails, the transaction fails with it, and nothing is written twice.
    deferred.clear();
    // One payment: the single-row UPDATE, whose prepared plan PostgreSQL reuses.
    const [text, parameters] = entities.length === 1 ? this.statements.update(entities[0]) : this.statements.updateMany(entities);
    const [, updated] = (await tx.manager.query(text, parameters)) as [unknown, number];
    // Every row was locked by this transaction, so none can have gone: a difference is a bug.
    if (updated !== entities.length) throw new Error(`deferred payment updates wrote ${updated} rows of ${entities.length}`);
  }

  async lockDueTimers(tx: InTransaction, now: Date, limit: number): Promise<LockedPaymentRow[]> {
    // Served by the partial index payments_leg_check_at_idx (only rows with a running timer).
    const rows = await tx.manager
      .createQueryBuilder(PaymentEntity, 'payment')
      .where('payment.leg_check_at <= :now', { now })
      .orderBy('payment.leg_check_at', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    return rows.map(readRow);
  }

  async lockOverdueReversals(tx: InTransaction, now: Date, limit: number): Promise<LockedPaymentRow[]> {
    // Served by the partial index payments_reversal_due_idx (the predicate is the index's).
    const rows = await tx.manager
      .createQueryBuilder(PaymentEntity, 'payment')
      .where('payment.reversal_due_by <= :now', { now })
      .andWhere('payment.reversal_overdue_alerted_at IS NULL')
      .andWhere(`payment.status IN ('credit_failed', 'reversal_pending', 'reversal_failed')`)
      .orderBy('payment.reversal_due_by', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    return rows.map(readRow);
  }

  async markReversalOverdueAlerted(tx: InTransaction, paymentId: string, at: Date): Promise<void> {
    // Kept updates first, so a payment's row is written in the order its changes were asked for.
    await this.writeDeferredUpdates(tx);
    await tx.manager.query(`UPDATE payments SET reversal_overdue_alerted_at = $2 WHERE id = $1`, [paymentId, at]);
  }

  async quarantine(tx: InTransaction, paymentId: string, reason: string, at: Date): Promise<void> {
    // Kept updates first: written after, one would set the timer this stops running again.
    await this.writeDeferredUpdates(tx);
    await tx.manager.query(`UPDATE payments SET leg_check_at = NULL, quarantined_at = $2, quarantine_reason = $3 WHERE id = $1`, [
      paymentId,
      at,
      reason.slice(0, 500),
    ]);
  }

  async listNeedingOperator(query: { readonly after: OperatorListCursor | null; readonly limit: number }): Promise<PaymentNeedingOperator[]> {
    // The predicate is that of the partial index payments_needs_operator_idx (created_at, id).
    const builder = this.dataSource.manager
      .createQueryBuilder(PaymentEntity, 'payment')
      .where(`(${NEEDS_OPERATOR})`)
      .orderBy('payment.created_at', 'ASC')
      .addOrderBy('payment.id', 'ASC')
      .limit(query.limit);
    if (query.after !== null) builder.andWhere('(payment.created_at, payment.id) > (:createdAt, :id)', { createdAt: query.after.createdAt, id: query.after.id });
    const rows = await builder.getMany();
    return rows.map((row) => {
      const read = readRow(row);
      const reasons: OperatorAttentionReason[] = [];
      if (row.status === 'reversal_failed' && row.legCheckAt === null) reasons.push('reversal-retries-exhausted');
      if (row.quarantinedAt) reasons.push('quarantined');
      if (row.lateCreditAt !== null) reasons.push('late-credit-after-deemed-failure');
      return {
        paymentId: row.id,
        createdAt: row.createdAt,
        status: row.status,
        reasons,
        quarantine: row.quarantinedAt ? { at: row.quarantinedAt, reason: row.quarantineReason ?? '' } : null,
        payment: 'payment' in read ? read.payment : null,
      };
    });
  }

  async isolate<T>(tx: InTransaction, work: () => Promise<T>): Promise<T> {
    await tx.manager.query('SAVEPOINT payment_row');
    let result: T;
    try {
      result = await work();
    } catch (error) {
      // If the connection itself is gone this throws too, and the caller's transaction fails as a whole.
      await tx.manager.query('ROLLBACK TO SAVEPOINT payment_row');
      throw error;
    }
    await tx.manager.query('RELEASE SAVEPOINT payment_row');
    return result;
  }

  async recordOperatorAction(tx: InTransaction, action: OperatorActionRecord): Promise<void> {
    await tx.manager.insert(PaymentOperatorActionEntity, Object.assign(new PaymentOperatorActionEntity(), action));
  }

  async operatorActions(paymentId: string): Promise<OperatorActionRecord[]> {
    const rows = await this.dataSource.manager.find(PaymentOperatorActionEntity, { where: { paymentId }, order: { occurredAt: 'ASC' } });
    return rows.map((row) => ({
      id: row.id,
      paymentId: row.paymentId,
      action: row.action === 'retry-reversal' ? 'retry-reversal' : 'resolve-reversal',
      operator: row.operator,
      reference: row.reference,
      note: row.note,
      statusBefore: asStatus(row.statusBefore),
      statusAfter: asStatus(row.statusAfter),
      occurredAt: row.occurredAt,
    }));
  }
}

/** The function's 21 arguments (migrations/1764810000000-create-initiate-payment-within-limits.ts): a fixed text, prepared by the connection. */
const INITIATE_WITHIN_LIMITS = `SELECT outcome, counted, counted_minor, since_bound_minor, held_fingerprint, held_payment_id
  FROM initiate_payment_within_limits(${Array.from({ length: 21 }, (_, i) => `$${i + 1}`).join(', ')})`;

/** Rows an operator must look at (SQL over the `payment` alias); the partial index has the same predicate. */
const NEEDS_OPERATOR =
  `payment.quarantined_at IS NOT NULL OR payment.late_credit_at IS NOT NULL OR (payment.status = 'reversal_failed' AND payment.leg_check_at IS NULL)`;

/** A row as a payment, or why it cannot be one (a value outside the domain: written by something else). */
function readRow(row: PaymentEntity): LockedPaymentRow {
  try {
    return { id: row.id, payment: toPayment(row) };
  } catch (error) {
    return { id: row.id, unreadable: error instanceof Error ? error.message : String(error) };
  }
}

@Injectable()
export class TypeOrmIdempotencyKeyRepository extends IdempotencyKeyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async find(userId: string, key: string, tx?: InTransaction): Promise<IdempotencyRecord | null> {
    return readIdempotencyKey(tx?.manager ?? this.dataSource.manager, userId, key);
  }
}

/** One fixed statement (prepared by the connection), not TypeORM's findOne: every initiation reads its key first. */
async function readIdempotencyKey(manager: EntityManager, userId: string, key: string): Promise<IdempotencyRecord | null> {
  const rows = (await manager.query('SELECT user_id, key, request_fingerprint, payment_id FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key])) as Array<{
    user_id: string;
    key: string;
    request_fingerprint: string;
    payment_id: string;
  }>;
  return rows.length === 1 ? { userId: rows[0].user_id, key: rows[0].key, requestFingerprint: rows[0].request_fingerprint, paymentId: rows[0].payment_id } : null;
}

export function toEntity(payment: Payment): PaymentEntity {
  return Object.assign(new PaymentEntity(), {
    id: payment.id,
    txnId: payment.txnId,
    payerUserId: payment.payerUserId,
    payeeUserId: payment.payeeUserId,
    payerBankCode: payment.payer.bankCode,
    payerAccountRef: payment.payer.accountRef,
    payeeBankCode: payment.payee.bankCode,
    payeeAccountRef: payment.payee.accountRef,
    payeeDisplayName: payment.payeeDisplayName,
    amountMinor: payment.amount.minorUnits.toString(),
    currency: payment.amount.currency,
    status: payment.status,
    resultCode: payment.resultCode,
    rrn: payment.rrn,
    debitRequestId: payment.debitRequestId,
    creditRequestId: payment.creditRequestId,
    reversalRequestId: payment.reversalRequestId,
    note: payment.note,
    legCheckAt: payment.legCheckAt,
    legChecks: payment.legChecks,
    deemedLeg: payment.deemedLeg,
    reversalAttempts: payment.reversalAttempts,
    reversalFailure: payment.reversalFailure,
    reversalResultCode: payment.reversalResultCode,
    reversalDueBy: payment.reversalDueBy,
    lateCreditAt: payment.lateCreditAt,
    kind: paymentKind(payment),
    merchantId: payment.merchant?.merchantId ?? null,
    orderId: payment.merchant?.orderId ?? null,
    refundOf: payment.merchant?.refundOf ?? null,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  });
}

export function toPayment(row: PaymentEntity): Payment {
  return {
    id: row.id,
    txnId: row.txnId,
    payerUserId: row.payerUserId,
    payeeUserId: row.payeeUserId,
    payer: { bankCode: row.payerBankCode, accountRef: row.payerAccountRef },
    payee: { bankCode: row.payeeBankCode, accountRef: row.payeeAccountRef },
    payeeDisplayName: row.payeeDisplayName,
    // pg hands bigint columns over as strings; BigInt() keeps every digit.
    amount: Money.ofMinor(BigInt(row.amountMinor), asCurrency(row.currency)),
    status: asStatus(row.status),
    resultCode: row.resultCode === null ? null : asResultCode(row.resultCode, 'result_code'),
    rrn: row.rrn,
    debitRequestId: row.debitRequestId,
    creditRequestId: row.creditRequestId,
    reversalRequestId: row.reversalRequestId,
    note: row.note,
    legCheckAt: row.legCheckAt,
    legChecks: row.legChecks,
    deemedLeg: row.deemedLeg === null ? null : oneOf(DEEMED_LEGS, row.deemedLeg, 'deemed_leg'),
    reversalAttempts: row.reversalAttempts,
    reversalFailure: row.reversalFailure === null ? null : oneOf(REVERSAL_FAILURES, row.reversalFailure, 'reversal_failure'),
    reversalResultCode: row.reversalResultCode === null ? null : asResultCode(row.reversalResultCode, 'reversal_result_code'),
    reversalDueBy: row.reversalDueBy,
    lateCreditAt: row.lateCreditAt,
    merchant: merchantLinkOf(row),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The merchant link of a row; a kind its columns do not bear out is a row written by something else. */
function merchantLinkOf(row: PaymentEntity): MerchantPaymentLink | null {
  const kind = oneOf(PAYMENT_KINDS, row.kind, 'kind');
  if (kind === 'p2p') return null;
  if (row.merchantId === null || row.orderId === null || (kind === 'refund') !== (row.refundOf !== null)) {
    throw new Error(`payments row of kind ${kind} lacks its merchant, order or refunded payment`);
  }
  return { merchantId: row.merchantId, orderId: row.orderId, refundOf: row.refundOf };
}

// A stored value outside these sets means the table was written by something else: a bug, so throw.
function asStatus(value: string): PaymentStatus {
  const found = PAYMENT_STATUSES.find((status) => status === value);
  if (!found) throw new Error(`payments.status holds an unknown status ${JSON.stringify(value)}`);
  return found;
}

function asResultCode(value: string, column: string): ResultCode {
  const found = ALL_RESULT_CODES.find((code) => code === value);
  if (!found) throw new Error(`payments.${column} holds an unknown code ${JSON.stringify(value)}`);
  return found;
}

function oneOf<T extends string>(values: readonly T[], value: string, column: string): T {
  const found = values.find((known) => known === value);
  if (found === undefined) throw new Error(`payments.${column} holds an unknown value ${JSON.stringify(value)}`);
  return found;
}

function asCurrency(value: string): Currency {
  const found = SUPPORTED_CURRENCIES.find((currency) => currency === value);
  if (!found) throw new Error(`payments.currency holds an unsupported currency ${JSON.stringify(value)}`);
  return found;
}
