import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { Payment } from '../payment';
import { PaymentEntity } from '../payment.entity';
import { toPayment } from '../payment.repository';
import { PaymentHistoryQuery, PaymentHistoryRepository } from './payment-history.repository';

/**
 * The history as one statement: the payments the user sent and those they received, each an
 * ordered, limited range scan of its own index, payments_payer_window_idx and
 * payments_payee_history_idx, both (user, created_at DESC, id DESC). An `OR` of the two user columns
 * would have to read and sort every matching row before the first page; two scans that each stop
 * after `limit` rows, merged, read at most twice a page whatever the history's length.
 */
@Injectable()
export class TypeOrmPaymentHistoryRepository extends PaymentHistoryRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async listForUser(query: PaymentHistoryQuery): Promise<Payment[]> {
    const rows = await paymentHistoryQuery(this.dataSource.manager, query).getMany();
    return rows.map(toPayment);
  }
}

/** The statement listForUser runs (exported so its plan can be checked against real PostgreSQL). */
export function paymentHistoryQuery(manager: EntityManager, query: PaymentHistoryQuery): SelectQueryBuilder<PaymentEntity> {
  const branches: string[] = [];
  if (query.direction !== 'received') branches.push(branchSql('sent', 'payer_user_id', 'payee_user_id', query));
  // A row with the user on both sides (never made by a person's payment) is listed once, as sent.
  if (query.direction !== 'sent') branches.push(branchSql('received', 'payee_user_id', 'payer_user_id', query, 'AND received.payer_user_id <> :userId'));
  return manager
    .createQueryBuilder(PaymentEntity, 'payment')
    .where(`payment.id IN (${branches.join(' UNION ALL ')})`)
    .orderBy('payment.created_at', 'DESC')
    .addOrderBy('payment.id', 'DESC')
    .limit(query.limit)
    .setParameters({
      userId: query.userId,
      counterpartyUserId: query.counterpartyUserId,
      statuses: query.statuses,
      from: query.from,
      to: query.to,
      beforeCreatedAt: query.before?.createdAt ?? null,
      beforeId: query.before?.id ?? null,
      limit: query.limit,
    });
}

/** One direction's ids, newest first; each filter is a condition on the scanned index or its row. */
function branchSql(alias: string, userColumn: string, counterpartyColumn: string, query: PaymentHistoryQuery, extra = ''): string {
  const conditions = [`${alias}.${userColumn} = :userId`];
  if (query.counterpartyUserId !== null) conditions.push(`${alias}.${counterpartyColumn} = :counterpartyUserId`);
  if (query.statuses !== null) conditions.push(`${alias}.status = ANY(:statuses)`);
  if (query.from !== null) conditions.push(`${alias}.created_at >= :from`);
  if (query.to !== null) conditions.push(`${alias}.created_at < :to`);
  // The row comparison is what makes pages neither overlap nor skip when several payments share a created_at.
  if (query.before !== null) conditions.push(`(${alias}.created_at, ${alias}.id) < (:beforeCreatedAt, :beforeId)`);
  return `(SELECT ${alias}.id FROM payments ${alias} WHERE ${conditions.join(' AND ')} ${extra} ORDER BY ${alias}.created_at DESC, ${alias}.id DESC LIMIT :limit)`;
}
