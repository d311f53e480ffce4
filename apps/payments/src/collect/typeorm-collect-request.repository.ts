import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ALL_RESULT_CODES, Currency, Money, ResultCode, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { COLLECT_REQUEST_STATUSES, CollectRequest, CollectRequestStatus } from './collect-request';
import { CollectApproval, CollectInsertOutcome, CollectRequestRepository, InTransaction, PendingCollectQuery } from './collect-request.repository';

interface CollectRow {
  id: string;
  merchant_id: string | null;
  requester_user_id: string | null;
  pay_to_address: string | null;
  reference: string;
  request_fingerprint: string;
  payer_user_id: string;
  amount_minor: string;
  currency: string;
  note: string | null;
  status: string;
  result_code: string | null;
  expires_at: Date;
  order_id: string | null;
  payment_id: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const COLUMNS =
  'id, merchant_id, requester_user_id, pay_to_address, reference, request_fingerprint, payer_user_id, amount_minor::text AS amount_minor, currency, note, status, result_code, expires_at, order_id, payment_id, created_at, decided_at';

/** Collect requests in PostgreSQL (`collect_requests`); their payments are in `payments` (a merchant's, its order's). */
@Injectable()
export class TypeOrmCollectRequestRepository extends CollectRequestRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insert(tx: InTransaction, request: CollectRequest): Promise<CollectInsertOutcome> {
    // A reference is unique per merchant or per requesting user: the constraint of the request's kind.
    const [requesterColumn, requesterId] = request.merchantId !== null ? (['merchant_id', request.merchantId] as const) : (['requester_user_id', request.requesterUserId] as const);
    // ON CONFLICT DO NOTHING: a concurrent twin waits on the unique index until the first commits,
    // then reads its row (READ COMMITTED: the next statement sees it).
    const inserted = await tx.manager.query<unknown[]>(
      `INSERT INTO collect_requests (id, merchant_id, requester_user_id, pay_to_address, reference, request_fingerprint, payer_user_id, amount_minor, currency, note, status, result_code, expires_at, order_id, payment_id, created_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', NULL, $11, NULL, NULL, $12, NULL)
       ON CONFLICT (${requesterColumn}, reference) DO NOTHING
       RETURNING id`,
      [
        request.id,
        request.merchantId,
        request.requesterUserId,
        request.payToAddress,
        request.reference,
        request.requestFingerprint,
        request.payerUserId,
        request.amount.minorUnits.toString(),
        request.amount.currency,
        request.note,
        request.expiresAt,
        request.createdAt,
      ],
    );
    if (inserted.length === 1) return { inserted: true };
    const rows = await tx.manager.query<CollectRow[]>(`SELECT ${COLUMNS} FROM collect_requests WHERE ${requesterColumn} = $1 AND reference = $2`, [requesterId, request.reference]);
    if (rows.length === 0) throw new Error('a collect request reference conflicted but no request holds it');
    return { inserted: false, existing: toCollectRequest(rows[0]) };
  }

  async findById(id: string, tx?: InTransaction): Promise<CollectRequest | null> {
    const rows = await this.manager(tx).query<CollectRow[]>(`SELECT ${COLUMNS} FROM collect_requests WHERE id = $1`, [id]);
    return rows.length === 0 ? null : toCollectRequest(rows[0]);
  }

  async lockById(tx: InTransaction, id: string): Promise<CollectRequest | null> {
    const rows = await tx.manager.query<CollectRow[]>(`SELECT ${COLUMNS} FROM collect_requests WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length === 0 ? null : toCollectRequest(rows[0]);
  }

  async lockExpired(tx: InTransaction, now: Date, limit: number): Promise<CollectRequest[]> {
    // collect_requests_expiry_idx (expires_at) WHERE status = 'pending'.
    const rows = await tx.manager.query<CollectRow[]>(
      `SELECT ${COLUMNS} FROM collect_requests
        WHERE status = 'pending' AND expires_at <= $1
        ORDER BY expires_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toCollectRequest);
  }

  async markApproved(tx: InTransaction, id: string, approval: CollectApproval): Promise<void> {
    await this.answerPending(tx, id, `status = 'approved', order_id = $2, payment_id = $3, decided_at = $4`, [approval.orderId, approval.paymentId, approval.at]);
  }

  async markDeclined(tx: InTransaction, id: string, at: Date): Promise<void> {
    await this.answerPending(tx, id, `status = 'declined', decided_at = $2`, [at]);
  }

  async markExpired(tx: InTransaction, id: string, at: Date, resultCode: ResultCode): Promise<void> {
    await this.answerPending(tx, id, `status = 'expired', result_code = $2, decided_at = $3`, [resultCode, at]);
  }

  async listPending(query: PendingCollectQuery): Promise<CollectRequest[]> {
    const parameters: unknown[] = [query.payerUserId, query.now];
    let keyset = '';
    if (query.before !== null) {
      parameters.push(query.before.createdAt, query.before.id);
      keyset = `AND (created_at, id) < ($3::timestamptz, $4::uuid)`;
    }
    parameters.push(query.limit);
    // collect_requests_payer_pending_idx (payer_user_id, created_at DESC, id DESC) WHERE status = 'pending'.
    const rows = await this.dataSource.query<CollectRow[]>(
      `SELECT ${COLUMNS} FROM collect_requests
        WHERE payer_user_id = $1 AND status = 'pending' AND expires_at > $2 ${keyset}
        ORDER BY created_at DESC, id DESC
        LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map(toCollectRequest);
  }

  /** Answers a pending request; the caller holds its lock and has seen it pending, so anything else is a bug. */
  private async answerPending(tx: InTransaction, id: string, assignments: string, values: unknown[]): Promise<void> {
    const [, affected] = (await tx.manager.query(`UPDATE collect_requests SET ${assignments} WHERE id = $1 AND status = 'pending'`, [id, ...values])) as [unknown, number];
    if (affected !== 1) throw new Error(`collect request ${id} was not pending when answered`);
  }

  private manager(tx?: InTransaction): EntityManager {
    return tx?.manager ?? this.dataSource.manager;
  }
}

function toCollectRequest(row: CollectRow): CollectRequest {
  const fields = {
    id: row.id,
    reference: row.reference,
    requestFingerprint: row.request_fingerprint,
    payerUserId: row.payer_user_id,
    amount: Money.ofMinor(BigInt(row.amount_minor), asCurrency(row.currency)),
    note: row.note,
    status: asStatus(row.status),
    resultCode: row.result_code === null ? null : asResultCode(row.result_code),
    expiresAt: row.expires_at,
    orderId: row.order_id,
    paymentId: row.payment_id,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
  };
  if (row.merchant_id !== null && row.requester_user_id === null && row.pay_to_address === null) return { ...fields, merchantId: row.merchant_id, requesterUserId: null, payToAddress: null };
  if (row.merchant_id === null && row.requester_user_id !== null && row.pay_to_address !== null) return { ...fields, merchantId: null, requesterUserId: row.requester_user_id, payToAddress: row.pay_to_address };
  // collect_requests_one_requester forbids it: a row written by something else.
  throw new Error(`collect request ${row.id} has no single requester`);
}

// A stored value outside these sets was written by something else: a bug, so throw.
function asStatus(value: string): CollectRequestStatus {
  const found = COLLECT_REQUEST_STATUSES.find((status) => status === value);
  if (!found) throw new Error(`collect_requests.status holds an unknown status ${JSON.stringify(value)}`);
  return found;
}

function asResultCode(value: string): ResultCode {
  const found = ALL_RESULT_CODES.find((code) => code === value);
  if (!found) throw new Error(`collect_requests.result_code holds an unknown code ${JSON.stringify(value)}`);
  return found;
}

function asCurrency(value: string): Currency {
  const found = SUPPORTED_CURRENCIES.find((currency) => currency === value.trim());
  if (!found) throw new Error(`an unsupported currency ${JSON.stringify(value)} is stored`);
  return found;
}
