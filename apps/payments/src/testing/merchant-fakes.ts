// In-memory stand-ins for the merchant ports, for unit tests (*.spec.ts) only.
import { Merchant, MerchantApiKeyRecord, MerchantOrder, MerchantRefundRecord, RefundAmount } from '../merchant/merchant';
import { MerchantApiKeySource } from '../merchant/merchant-api-key';
import { InTransaction, MerchantInsertOutcome, MerchantRepository } from '../merchant/merchant.repository';
import { MerchantHistoryQuery, MerchantOrderRepository, MerchantPaymentEntry, OrderInsertOutcome, RefundClaimOutcome } from '../merchant/merchant-order.repository';
import { CreateMerchantOrderUseCase } from '../merchant/create-merchant-order/create-merchant-order.use-case';
import { GetMerchantOrderUseCase } from '../merchant/get-merchant-order/get-merchant-order.use-case';
import { GetMerchantRefundUseCase } from '../merchant/get-merchant-refund/get-merchant-refund.use-case';
import { ListMerchantPaymentsUseCase } from '../merchant/list-merchant-payments/list-merchant-payments.use-case';
import { PayMerchantOrderUseCase } from '../merchant/pay-merchant-order/pay-merchant-order.use-case';
import { RefundMerchantOrderUseCase } from '../merchant/refund-merchant-order/refund-merchant-order.use-case';
import { SchemeProfile } from '../limits/scheme-profile';
import { PaymentParties } from '../payment/party-directory';
import { paymentKind } from '../payment/payment';
import {
  FakePartyDirectory,
  FakeUnitOfWork,
  FixedClock,
  InMemoryIdempotencyKeyRepository,
  InMemoryPaymentRepository,
  SAMPLE_PAYEE_ACCOUNT,
  SAMPLE_PAYER_ACCOUNT,
  SequentialIds,
  TEST_PAYER_ID,
  transitionStep,
  UPI_PROFILE,
} from './payment-fakes';

export class InMemoryMerchantRepository extends MerchantRepository {
  readonly merchants = new Map<string, Merchant>();
  readonly keys = new Map<string, MerchantApiKeyRecord>();
  /** Merchant ids whose row was locked, in order. */
  readonly locked: string[] = [];

  async insert(merchant: Merchant): Promise<MerchantInsertOutcome> {
    const others = [...this.merchants.values()];
    if (others.some((other) => other.ownerUserId === merchant.ownerUserId)) return { inserted: false, conflict: 'owner' };
    if (others.some((other) => other.handle === merchant.handle)) return { inserted: false, conflict: 'handle' };
    if (others.some((other) => other.handleSkeleton === merchant.handleSkeleton)) return { inserted: false, conflict: 'skeleton' };
    this.merchants.set(merchant.id, merchant);
    return { inserted: true };
  }

  async findById(merchantId: string): Promise<Merchant | null> {
    return this.merchants.get(merchantId) ?? null;
  }

  async findByOwner(ownerUserId: string): Promise<Merchant | null> {
    return [...this.merchants.values()].find((merchant) => merchant.ownerUserId === ownerUserId) ?? null;
  }

  async lockById(_tx: InTransaction, merchantId: string): Promise<Merchant | null> {
    this.locked.push(merchantId);
    return this.merchants.get(merchantId) ?? null;
  }

  async insertKey(_tx: InTransaction, key: MerchantApiKeyRecord): Promise<void> {
    if ([...this.keys.values()].some((other) => other.lookupPrefix === key.lookupPrefix)) throw new Error('duplicate lookup prefix');
    this.keys.set(key.id, key);
  }

  async countActiveKeys(_tx: InTransaction, merchantId: string): Promise<number> {
    return [...this.keys.values()].filter((key) => key.merchantId === merchantId && key.revokedAt === null).length;
  }

  async listKeys(merchantId: string): Promise<MerchantApiKeyRecord[]> {
    return [...this.keys.values()].filter((key) => key.merchantId === merchantId);
  }

  async revokeKey(merchantId: string, keyId: string, at: Date): Promise<boolean> {
    const key = this.keys.get(keyId);
    if (!key || key.merchantId !== merchantId || key.revokedAt !== null) return false;
    this.keys.set(keyId, { ...key, revokedAt: at });
    return true;
  }

  async findActiveKey(lookupPrefix: string): Promise<{ readonly key: MerchantApiKeyRecord; readonly merchant: Merchant } | null> {
    const key = [...this.keys.values()].find((candidate) => candidate.lookupPrefix === lookupPrefix && candidate.revokedAt === null);
    const merchant = key ? this.merchants.get(key.merchantId) : undefined;
    return key && merchant ? { key, merchant } : null;
  }
}

/** Orders and refunds in memory; refunds' amounts and the history read the payments of an in-memory payment repository. */
export class InMemoryMerchantOrderRepository extends MerchantOrderRepository {
  readonly orders = new Map<string, MerchantOrder>();
  readonly refunds = new Map<string, MerchantRefundRecord>();
  /** Order ids whose row was locked, in order. */
  readonly locked: string[] = [];

  constructor(private readonly payments: InMemoryPaymentRepository) {
    super();
  }

  async insertOrder(order: MerchantOrder): Promise<OrderInsertOutcome> {
    const existing = await this.findOrderByReference(order.merchantId, order.reference);
    if (existing) return { inserted: false, existing };
    this.orders.set(order.id, order);
    return { inserted: true };
  }

  async findOrder(orderId: string): Promise<MerchantOrder | null> {
    return this.orders.get(orderId) ?? null;
  }

  async findOrderByReference(merchantId: string, reference: string): Promise<MerchantOrder | null> {
    return [...this.orders.values()].find((order) => order.merchantId === merchantId && order.reference === reference) ?? null;
  }

  async lockOrder(_tx: InTransaction, orderId: string): Promise<MerchantOrder | null> {
    this.locked.push(orderId);
    return this.orders.get(orderId) ?? null;
  }

  async setOrderPayment(_tx: InTransaction, orderId: string, paymentId: string): Promise<void> {
    const order = this.orders.get(orderId);
    if (!order) throw new Error('no such order');
    this.orders.set(orderId, { ...order, paymentId });
  }

  async refundAmounts(orderId: string): Promise<RefundAmount[]> {
    return [...this.payments.rows.values()]
      .filter((payment) => payment.merchant?.orderId === orderId && paymentKind(payment) === 'refund')
      .map((payment) => ({ amountMinor: payment.amount.minorUnits, status: payment.status }));
  }

  async findRefundByReference(merchantId: string, reference: string): Promise<MerchantRefundRecord | null> {
    return [...this.refunds.values()].find((refund) => refund.merchantId === merchantId && refund.reference === reference) ?? null;
  }

  async findRefund(merchantId: string, paymentId: string): Promise<MerchantRefundRecord | null> {
    const refund = this.refunds.get(paymentId);
    return refund && refund.merchantId === merchantId ? refund : null;
  }

  async claimRefund(_tx: InTransaction, refund: MerchantRefundRecord): Promise<RefundClaimOutcome> {
    const existing = await this.findRefundByReference(refund.merchantId, refund.reference);
    if (existing) return { claimed: false, existing };
    this.refunds.set(refund.paymentId, refund);
    return { claimed: true };
  }

  async listMerchantPayments(query: MerchantHistoryQuery): Promise<MerchantPaymentEntry[]> {
    const { before, from, to } = query;
    return [...this.payments.rows.values()]
      .filter((payment) => payment.merchant?.merchantId === query.merchantId)
      .filter((payment) => query.statuses === null || query.statuses.includes(payment.status))
      .filter((payment) => query.kind === null || paymentKind(payment) === query.kind)
      .filter((payment) => from === null || payment.createdAt.getTime() >= from.getTime())
      .filter((payment) => to === null || payment.createdAt.getTime() < to.getTime())
      .filter(
        (payment) =>
          before === null ||
          payment.createdAt.getTime() < before.createdAt.getTime() ||
          (payment.createdAt.getTime() === before.createdAt.getTime() && payment.id < before.id),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, query.limit)
      .map((payment) => {
        const link = payment.merchant;
        if (link === null) throw new Error('a merchant payment without its link');
        return {
          paymentId: payment.id,
          kind: link.refundOf === null ? 'order' : 'refund',
          orderId: link.orderId,
          orderReference: this.orders.get(link.orderId)?.reference ?? '',
          refundReference: this.refunds.get(payment.id)?.reference ?? null,
          amount: payment.amount,
          status: payment.status,
          resultCode: payment.resultCode,
          createdAt: payment.createdAt,
          updatedAt: payment.updatedAt,
        };
      });
  }
}

/** Keys kmk_ + 43 characters, each new one different and known in advance. */
export class SequentialMerchantApiKeys extends MerchantApiKeySource {
  private next = 1;

  newKey(): string {
    return `kmk_${`key${String(this.next++).padStart(3, '0')}`.padEnd(43, 'A')}`;
  }
}

export const SAMPLE_OWNER_ID = 'e0e0e0e0-e0e0-4e0e-8e0e-e0e0e0e0e0e0';
export const SAMPLE_MERCHANT_ID = 'f0f0f0f0-f0f0-4f0f-8f0f-f0f0f0f0f0f0';

/** A merchant of category 5812 (restaurants), owned by SAMPLE_OWNER_ID, settled to the owner's own address. */
export function sampleMerchant(changes: Partial<Merchant> = {}): Merchant {
  return {
    id: SAMPLE_MERCHANT_ID,
    ownerUserId: SAMPLE_OWNER_ID,
    displayName: 'Chai Point',
    categoryCode: '5812',
    handle: 'chai.point',
    handleSkeleton: 'chal.polnt',
    settlementAddress: 'owner@kirim',
    verified: false,
    createdAt: new Date('2026-11-28T08:00:00.000Z'),
    ...changes,
  };
}

/** The customer of the order specs, paying from SAMPLE_PAYER_ACCOUNT into the owner's SAMPLE_PAYEE_ACCOUNT. */
export const SAMPLE_CUSTOMER_ID = TEST_PAYER_ID;
export const MERCHANT_PARTIES: PaymentParties = {
  payer: { userId: SAMPLE_CUSTOMER_ID, ...SAMPLE_PAYER_ACCOUNT },
  payee: { userId: SAMPLE_OWNER_ID, ...SAMPLE_PAYEE_ACCOUNT, displayName: 'Owner' },
};

/** Every merchant order use case over in-memory ports sharing one payment store, with the sample merchant onboarded. */
export function merchantOrdersHarness(options: { profile?: SchemeProfile; now?: Date; merchant?: Merchant } = {}) {
  const unitOfWork = new FakeUnitOfWork();
  const keys = new InMemoryIdempotencyKeyRepository();
  const payments = new InMemoryPaymentRepository(keys);
  const parties = new FakePartyDirectory({ ok: true, parties: MERCHANT_PARTIES });
  const usage = payments.payerUsage;
  const ids = new SequentialIds();
  const clock = new FixedClock(options.now);
  const profile = options.profile ?? UPI_PROFILE;
  const step = transitionStep(payments, { ids, profile });
  const merchants = new InMemoryMerchantRepository();
  const orders = new InMemoryMerchantOrderRepository(payments);
  const merchant = options.merchant ?? sampleMerchant();
  merchants.merchants.set(merchant.id, merchant);
  return {
    unitOfWork,
    payments,
    keys,
    parties,
    usage,
    ids,
    clock,
    merchants,
    orders,
    merchant,
    createOrder: new CreateMerchantOrderUseCase(orders, clock, ids, profile),
    getOrder: new GetMerchantOrderUseCase(orders, payments, clock),
    payOrder: new PayMerchantOrderUseCase(unitOfWork, orders, merchants, payments, keys, parties, usage, step, clock, ids, profile),
    refund: new RefundMerchantOrderUseCase(unitOfWork, orders, payments, step, clock, ids),
    getRefund: new GetMerchantRefundUseCase(orders, payments),
    history: new ListMerchantPaymentsUseCase(orders),
  };
}
