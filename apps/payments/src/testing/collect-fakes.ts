// In-memory stand-ins for the collect request port, and the collect use cases wired over the merchant
// harness, for unit tests (*.spec.ts) only.
import { ResultCode } from '@kirim/contracts';
import { CollectRequest } from '../collect/collect-request';
import { CollectInsertOutcome, CollectRequestRepository, InTransaction, PendingCollectQuery } from '../collect/collect-request.repository';
import { ApproveCollectRequestUseCase } from '../collect/approve-collect-request/approve-collect-request.use-case';
import { CreateCollectRequestUseCase } from '../collect/create-collect-request/create-collect-request.use-case';
import { DeclineCollectRequestUseCase } from '../collect/decline-collect-request/decline-collect-request.use-case';
import { ExpireCollectRequestsUseCase } from '../collect/expire-collect-requests/expire-collect-requests.use-case';
import { GetCollectRequestUseCase } from '../collect/get-collect-request/get-collect-request.use-case';
import { ListPendingCollectRequestsUseCase } from '../collect/list-pending-collect-requests/list-pending-collect-requests.use-case';
import { PaymentParties } from '../payment/party-directory';
import { MERCHANT_PARTIES, merchantOrdersHarness, SAMPLE_CUSTOMER_ID, SAMPLE_OWNER_ID } from './merchant-fakes';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, UPI_PROFILE } from './payment-fakes';

export class InMemoryCollectRequestRepository extends CollectRequestRepository {
  readonly rows = new Map<string, CollectRequest>();
  /** Request ids whose row was locked, in order. */
  readonly locked: string[] = [];

  async insert(request: CollectRequest): Promise<CollectInsertOutcome> {
    const existing = [...this.rows.values()].find((row) => row.merchantId === request.merchantId && row.reference === request.reference);
    if (existing) return { inserted: false, existing };
    this.rows.set(request.id, request);
    return { inserted: true };
  }

  async findById(id: string): Promise<CollectRequest | null> {
    return this.rows.get(id) ?? null;
  }

  async lockById(_tx: InTransaction, id: string): Promise<CollectRequest | null> {
    this.locked.push(id);
    return this.rows.get(id) ?? null;
  }

  async lockExpired(_tx: InTransaction, now: Date, limit: number): Promise<CollectRequest[]> {
    return [...this.rows.values()]
      .filter((row) => row.status === 'pending' && row.expiresAt.getTime() <= now.getTime())
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit);
  }

  async markApproved(_tx: InTransaction, id: string, approval: { orderId: string; paymentId: string; at: Date }): Promise<void> {
    this.answer(id, { status: 'approved', orderId: approval.orderId, paymentId: approval.paymentId, decidedAt: approval.at });
  }

  async markDeclined(_tx: InTransaction, id: string, at: Date): Promise<void> {
    this.answer(id, { status: 'declined', decidedAt: at });
  }

  async markExpired(_tx: InTransaction, id: string, at: Date, resultCode: ResultCode): Promise<void> {
    this.answer(id, { status: 'expired', resultCode, decidedAt: at });
  }

  async listPending(query: PendingCollectQuery): Promise<CollectRequest[]> {
    const { before } = query;
    return [...this.rows.values()]
      .filter((row) => row.payerUserId === query.payerUserId && row.status === 'pending' && row.expiresAt.getTime() > query.now.getTime())
      .filter((row) => before === null || row.createdAt.getTime() < before.createdAt.getTime() || (row.createdAt.getTime() === before.createdAt.getTime() && row.id < before.id))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, query.limit);
  }

  private answer(id: string, changes: Partial<CollectRequest>): void {
    const row = this.rows.get(id);
    if (!row || row.status !== 'pending') throw new Error(`collect request ${id} was not pending when answered`);
    this.rows.set(id, { ...row, ...changes });
  }
}

/**
 * What identity answers when the merchant's owner looks the customer up: the owner as payer, the
 * customer as payee (the reverse of the customer paying, MERCHANT_PARTIES).
 */
export const CUSTOMER_LOOKUP: PaymentParties = {
  payer: { userId: SAMPLE_OWNER_ID, ...SAMPLE_PAYEE_ACCOUNT },
  payee: { userId: SAMPLE_CUSTOMER_ID, ...SAMPLE_PAYER_ACCOUNT, displayName: 'Customer' },
};

/**
 * Every collect use case over in-memory ports, on the merchant order harness (the same payments,
 * orders and keys). One party directory serves both directions: it answers the customer lookup
 * for the merchant's owner and the payment's parties for the customer, as identity would.
 */
export function collectHarness(options: Parameters<typeof merchantOrdersHarness>[0] = {}) {
  const merchantHarness = merchantOrdersHarness(options);
  const { unitOfWork, parties, clock, ids, merchants, orders, payments, payOrder } = merchantHarness;
  const profile = options.profile ?? UPI_PROFILE;
  parties.resolve = async (payerUserId, payee) => {
    parties.calls.push(payee.phone !== undefined ? { payerUserId, payeePhone: payee.phone } : { payerUserId, payeeAddress: payee.address });
    if (!parties.answer.ok) return parties.answer;
    return { ok: true, parties: payerUserId === SAMPLE_OWNER_ID ? CUSTOMER_LOOKUP : MERCHANT_PARTIES };
  };
  const requests = new InMemoryCollectRequestRepository();
  return {
    ...merchantHarness,
    requests,
    create: new CreateCollectRequestUseCase(requests, parties, clock, ids, profile),
    get: new GetCollectRequestUseCase(requests, payments, clock),
    listPending: new ListPendingCollectRequestsUseCase(requests, merchants, clock),
    approve: new ApproveCollectRequestUseCase(requests, orders, payOrder, clock, ids),
    decline: new DeclineCollectRequestUseCase(unitOfWork, requests, clock),
    expire: new ExpireCollectRequestsUseCase(unitOfWork, requests, clock),
  };
}
