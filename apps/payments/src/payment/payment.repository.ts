import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ALL_RESULT_CODES, Money, PAYMENT_STATUSES, PaymentStatus, ResultCode, SUPPORTED_CURRENCIES, Currency } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { Payment } from './payment';
import { PaymentEntity } from './payment.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/** A transaction to work in: the messaging TransactionScope, or anything else carrying its manager. */
export type InTransaction = Pick<TransactionScope, 'manager'>;

/** Storage of payments; the use cases see this port, unit tests an in-memory fake. */
export abstract class PaymentRepository {
  /** `SELECT ... FOR UPDATE`: concurrent results for one payment apply one after the other. */
  abstract lockById(tx: InTransaction, paymentId: string): Promise<Payment | null>;
  abstract findById(paymentId: string, tx?: InTransaction): Promise<Payment | null>;
  abstract insert(tx: InTransaction, payment: Payment): Promise<void>;
  abstract update(tx: InTransaction, payment: Payment): Promise<void>;
  /**
   * Locks up to `limit` payments whose leg timer is due at `now`, earliest first, skipping rows
   * another transaction holds (`FOR UPDATE SKIP LOCKED`): several pollers, one per replica, share
   * the due payments without waiting on each other or taking one twice.
   */
  abstract lockDueForLegCheck(tx: InTransaction, now: Date, limit: number): Promise<Payment[]>;
}

export interface IdempotencyRecord {
  readonly userId: string;
  readonly key: string;
  readonly requestFingerprint: string;
  readonly paymentId: string;
}

export type ClaimOutcome = { readonly claimed: true } | { readonly claimed: false; readonly existing: IdempotencyRecord };

export abstract class IdempotencyKeyRepository {
  /** With `tx`, read inside that transaction (e.g. after a lock that orders it behind a concurrent claim). */
  abstract find(userId: string, key: string, tx?: InTransaction): Promise<IdempotencyRecord | null>;
  /**
   * Inserts the key, or reports the row that holds it. Two transactions claiming the same key at
   * once: the second waits on the primary key until the first commits, then sees its row.
   */
  abstract claim(tx: InTransaction, record: IdempotencyRecord): Promise<ClaimOutcome>;
}

@Injectable()
export class TypeOrmPaymentRepository extends PaymentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async lockById(tx: InTransaction, paymentId: string): Promise<Payment | null> {
    const row = await tx.manager.findOne(PaymentEntity, { where: { id: paymentId }, lock: { mode: 'pessimistic_write' } });
    return row ? toPayment(row) : null;
  }

  async findById(paymentId: string, tx?: InTransaction): Promise<Payment | null> {
    const manager: EntityManager = tx?.manager ?? this.dataSource.manager;
    const row = await manager.findOne(PaymentEntity, { where: { id: paymentId } });
    return row ? toPayment(row) : null;
  }

  async insert(tx: InTransaction, payment: Payment): Promise<void> {
    await tx.manager.insert(PaymentEntity, toEntity(payment));
  }

  async update(tx: InTransaction, payment: Payment): Promise<void> {
    const { id: _id, txnId: _txnId, createdAt: _createdAt, ...changes } = toEntity(payment);
    await tx.manager.update(PaymentEntity, { id: payment.id }, changes);
  }

  async lockDueForLegCheck(tx: InTransaction, now: Date, limit: number): Promise<Payment[]> {
    // Served by the partial index payments_leg_check_at_idx (only rows with a running timer).
    const rows = await tx.manager
      .createQueryBuilder(PaymentEntity, 'payment')
      .where('payment.leg_check_at <= :now', { now })
      .orderBy('payment.leg_check_at', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    return rows.map(toPayment);
  }
}

@Injectable()
export class TypeOrmIdempotencyKeyRepository extends IdempotencyKeyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async find(userId: string, key: string, tx?: InTransaction): Promise<IdempotencyRecord | null> {
    return this.findWith(tx?.manager ?? this.dataSource.manager, userId, key);
  }

  async claim(tx: InTransaction, record: IdempotencyRecord): Promise<ClaimOutcome> {
    // ON CONFLICT DO NOTHING rather than catching 23505: a unique violation aborts the whole
    // transaction, whereas this leaves it usable to read the winner's row (READ COMMITTED takes a
    // fresh snapshot per statement, so the row committed while we waited is visible).
    const inserted: unknown[] = await tx.manager.query(
      `INSERT INTO idempotency_keys (user_id, key, request_fingerprint, payment_id)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, key) DO NOTHING
       RETURNING user_id`,
      [record.userId, record.key, record.requestFingerprint, record.paymentId],
    );
    if (inserted.length === 1) return { claimed: true };
    const existing = await this.findWith(tx.manager, record.userId, record.key);
    // The conflicting row can only vanish if its transaction rolled back, and then the insert would have succeeded.
    if (!existing) throw new Error('idempotency key conflicted but no row holds it');
    return { claimed: false, existing };
  }

  private async findWith(manager: EntityManager, userId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await manager.findOne(IdempotencyKeyEntity, { where: { userId, key } });
    return row ? { userId: row.userId, key: row.key, requestFingerprint: row.requestFingerprint, paymentId: row.paymentId } : null;
  }
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
    resultCode: row.resultCode === null ? null : asResultCode(row.resultCode),
    rrn: row.rrn,
    debitRequestId: row.debitRequestId,
    creditRequestId: row.creditRequestId,
    reversalRequestId: row.reversalRequestId,
    note: row.note,
    legCheckAt: row.legCheckAt,
    legChecks: row.legChecks,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

// A stored value outside these sets means the table was written by something else: a bug, so throw.
function asStatus(value: string): PaymentStatus {
  const found = PAYMENT_STATUSES.find((status) => status === value);
  if (!found) throw new Error(`payments.status holds an unknown status ${JSON.stringify(value)}`);
  return found;
}

function asResultCode(value: string): ResultCode {
  const found = ALL_RESULT_CODES.find((code) => code === value);
  if (!found) throw new Error(`payments.result_code holds an unknown code ${JSON.stringify(value)}`);
  return found;
}

function asCurrency(value: string): Currency {
  const found = SUPPORTED_CURRENCIES.find((currency) => currency === value);
  if (!found) throw new Error(`payments.currency holds an unsupported currency ${JSON.stringify(value)}`);
  return found;
}
