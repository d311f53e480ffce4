// In-memory stand-ins for the collect request port, and the collect use cases wired over the merchant
// harness, for unit tests (*.spec.ts) only.
import { PROBLEM_CODES, ResultCode } from '@kirim/contracts';
import { CollectRequest } from '../collect/collect-request';
import { CollectApproval, CollectInsertOutcome, CollectRequestRepository, InTransaction, PendingCollectQuery } from '../collect/collect-request.repository';
import { ApproveCollectRequestUseCase } from '../collect/approve-collect-request/approve-collect-request.use-case';
import { CreateCollectRequestUseCase } from '../collect/create-collect-request/create-collect-request.use-case';
import { DeclineCollectRequestUseCase } from '../collect/decline-collect-request/decline-collect-request.use-case';
import { ExpireCollectRequestsUseCase } from '../collect/expire-collect-requests/expire-collect-requests.use-case';
import { GetCollectRequestUseCase } from '../collect/get-collect-request/get-collect-request.use-case';
import { ListPendingCollectRequestsUseCase } from '../collect/list-pending-collect-requests/list-pending-collect-requests.use-case';
import { SchemeProfile } from '../limits/scheme-profile';
import { InitiatePaymentUseCase } from '../payment/initiate-payment/initiate-payment.use-case';
import { PartyLookupResult, PayeeIdentifier, PaymentParties } from '../payment/party-directory';
import { MERCHANT_PARTIES, merchantOrdersHarness, SAMPLE_CUSTOMER_ID, SAMPLE_OWNER_ID } from './merchant-fakes';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, transitionStep, UPI_PROFILE } from './payment-fakes';

export class InMemoryCollectRequestRepository extends CollectRequestRepository {
  readonly rows = new Map<string, CollectRequest>();
  /** Request ids whose row was locked, in order. */
  readonly locked: string[] = [];

  async insert(_tx: InTransaction, request: CollectRequest): Promise<CollectInsertOutcome> {
    // A reference is unique per merchant, or per requesting user.
    const existing = [...this.rows.values()].find(
      (row) => row.reference === request.reference && (request.merchantId !== null ? row.merchantId === request.merchantId : row.requesterUserId === request.requesterUserId),
    );
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

  async markApproved(_tx: InTransaction, id: string, approval: CollectApproval): Promise<void> {
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

  private answer(id: string, changes: Partial<Pick<CollectRequest, 'status' | 'resultCode' | 'orderId' | 'paymentId' | 'decidedAt'>>): void {
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

/** A user asking another user to pay (P2P collect), and the custom address of theirs they are paid into. */
export const SAMPLE_REQUESTER_ID = 'a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1';
export const SAMPLE_PAY_TO_ADDRESS = 'ravi.k@kirim';

/** What identity answers when the requester looks the customer up: the requester as payer, the customer as payee. */
export const REQUESTER_LOOKUP: PaymentParties = {
  payer: { userId: SAMPLE_REQUESTER_ID, ...SAMPLE_PAYEE_ACCOUNT },
  payee: { userId: SAMPLE_CUSTOMER_ID, ...SAMPLE_PAYER_ACCOUNT, displayName: 'Customer' },
};

/** What identity answers when the customer pays the requester's pay-to address. */
export const PERSON_PARTIES: PaymentParties = {
  payer: { userId: SAMPLE_CUSTOMER_ID, ...SAMPLE_PAYER_ACCOUNT },
  payee: { userId: SAMPLE_REQUESTER_ID, ...SAMPLE_PAYEE_ACCOUNT, displayName: 'Ravi' },
};

/**
 * identity as the collect use cases meet it, every direction at once: the merchant's owner looking
 * the customer up; the customer paying the merchant; the requester naming their own pay-to address
 * (answered "self-payment", identity's proof that it is theirs) and looking the customer up; the
 * customer paying the pay-to address.
 */
export function collectPartiesAnswer(payerUserId: string, payee: PayeeIdentifier): PartyLookupResult {
  if (payerUserId === SAMPLE_OWNER_ID) return { ok: true, parties: CUSTOMER_LOOKUP };
  if (payerUserId === SAMPLE_REQUESTER_ID) {
    return payee.address === SAMPLE_PAY_TO_ADDRESS
      ? { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'The payer and the payee are the same user.' } }
      : { ok: true, parties: REQUESTER_LOOKUP };
  }
  return { ok: true, parties: payee.address === SAMPLE_PAY_TO_ADDRESS ? PERSON_PARTIES : MERCHANT_PARTIES };
}

/** The UPI profile with collect requests between people turned on (its own cap and expiries: ₹2,000, 30 min). */
export function p2pCollectProfile(base: SchemeProfile = UPI_PROFILE): SchemeProfile {
  return { ...base, collect: { ...base.collect, p2p: { ...base.collect.p2p, enabled: true } } };
}

/**
 * Every collect use case over in-memory ports, on the merchant order harness (the same payments,
 * orders, keys and payer usage, so P2P approvals through InitiatePaymentUseCase share them). One
 * party directory serves every direction (collectPartiesAnswer), until a spec sets its `answer` to a
 * failure, which every call then gets.
 */
export function collectHarness(options: Parameters<typeof merchantOrdersHarness>[0] = {}) {
  const merchantHarness = merchantOrdersHarness(options);
  const { unitOfWork, parties, clock, ids, merchants, orders, payments, keys, usage, payOrder } = merchantHarness;
  const profile = options.profile ?? UPI_PROFILE;
  parties.resolve = async (payerUserId, payee) => {
    parties.calls.push(payee.phone !== undefined ? { payerUserId, payeePhone: payee.phone } : { payerUserId, payeeAddress: payee.address });
    if (!parties.answer.ok) return parties.answer;
    return collectPartiesAnswer(payerUserId, payee);
  };
  const initiatePayment = new InitiatePaymentUseCase(unitOfWork, payments, keys, parties, clock, ids, profile, usage, transitionStep(payments, { ids, profile }));
  const requests = new InMemoryCollectRequestRepository();
  return {
    ...merchantHarness,
    requests,
    initiatePayment,
    create: new CreateCollectRequestUseCase(unitOfWork, requests, parties, clock, ids, profile),
    get: new GetCollectRequestUseCase(requests, payments, clock),
    listPending: new ListPendingCollectRequestsUseCase(requests, merchants, clock),
    approve: new ApproveCollectRequestUseCase(requests, orders, payOrder, initiatePayment, clock, ids, profile),
    decline: new DeclineCollectRequestUseCase(unitOfWork, requests, clock),
    expire: new ExpireCollectRequestsUseCase(unitOfWork, requests, clock),
  };
}
