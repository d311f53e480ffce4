import { EVENT_TYPES, Money, PartnerLegRequested, RESULT_CODES } from '@kirim/contracts';
import type { TransactionRunner } from '@kirim/messaging';
import { FakeTransactionRunner, FixedClock } from '@kirim/testing';
import { KafkaPartnerAdapter } from '../../adapters/kafka-partner/kafka-partner.adapter';
import type { PartnerLeg } from '../../partner-banks/partner-leg';
import { InMemoryPartnerLegRepository, onePartnerRegistry } from '../../testing/bank-connector-fakes';
import { BankLegRecords, SandboxLegRecord } from '../bank-leg-records.repository';
import { KafkaPartnerStatusRequests } from '../partner-status-requests';
import { LegToReconcile, ReconcileBankLegs } from './reconcile-bank-legs.use-case';

const PAYMENT = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const PAYER_ACCOUNT = '11111111-2222-4333-8444-555555555555';
const PAYEE_ACCOUNT = '22222222-3333-4444-8555-666666666666';
const id = (n: number): string => `6f1c1f0e-0b7a-4c2e-9d7f-${n.toString().padStart(12, '0')}`;
const inr = (minor: bigint): Money => Money.ofMinor(minor, 'INR');

class ListedRecords extends BankLegRecords {
  constructor(
    readonly sandbox: SandboxLegRecord[],
    private readonly partner: InMemoryPartnerLegRepository,
  ) {
    super();
  }

  async sandboxLegs(requestIds: readonly string[], paymentIds: readonly string[]): Promise<SandboxLegRecord[]> {
    return this.sandbox.filter((leg) => requestIds.includes(leg.requestId) || paymentIds.includes(leg.paymentId));
  }

  async partnerLegs(requestIds: readonly string[], paymentIds: readonly string[]): Promise<PartnerLeg[]> {
    return [...this.partner.rows.values()].filter((leg) => requestIds.includes(leg.requestId) || paymentIds.includes(leg.paymentId));
  }
}

function asked(requestId: string, overrides: Partial<LegToReconcile> = {}): LegToReconcile {
  return { requestId, paymentId: PAYMENT, purpose: 'payment', direction: 'debit', bankCode: 'SBXA', accountRef: PAYER_ACCOUNT, amount: inr(50_000n), ...overrides };
}

function sandboxLeg(requestId: string, overrides: Partial<SandboxLegRecord> = {}): SandboxLegRecord {
  return {
    requestId,
    paymentId: PAYMENT,
    purpose: 'payment',
    direction: 'debit',
    bankCode: 'SBXA',
    accountRef: PAYER_ACCOUNT,
    resultCode: RESULT_CODES.SUCCESS,
    rrn: '000000000042',
    amount: inr(50_000n),
    movedMinor: -50_000n,
    ...overrides,
  };
}

function partnerLeg(requestId: string, overrides: Partial<PartnerLeg> = {}): PartnerLeg {
  return {
    requestId,
    paymentId: PAYMENT,
    txnId: `KRM${'0'.repeat(32)}`,
    purpose: 'payment',
    direction: 'credit',
    bankCode: 'XMPL',
    accountRef: PAYEE_ACCOUNT,
    amount: inr(50_000n),
    forwardedAt: new Date('2026-11-28T09:00:00Z'),
    forwards: 1,
    answer: null,
    answeredAt: null,
    ...overrides,
  };
}

describe('ReconcileBankLegs', () => {
  let partnerLegs: InMemoryPartnerLegRepository;
  let transactions: FakeTransactionRunner;
  let sandbox: SandboxLegRecord[];
  let reconcile: ReconcileBankLegs;

  beforeEach(async () => {
    const { registry } = await onePartnerRegistry();
    partnerLegs = new InMemoryPartnerLegRepository();
    transactions = new FakeTransactionRunner();
    sandbox = [];
    const adapter = new KafkaPartnerAdapter(registry, partnerLegs, new FixedClock());
    reconcile = new ReconcileBankLegs(new ListedRecords(sandbox, partnerLegs), new KafkaPartnerStatusRequests(adapter), transactions as unknown as TransactionRunner);
  });

  it("reports an applied sandbox leg from its ledger entries (what moved), not from what the posting asked", async () => {
    sandbox.push(sandboxLeg(id(1), { movedMinor: -40_000n }));
    const { legs } = await reconcile.execute({ legs: [asked(id(1))] });
    expect(legs).toEqual([
      {
        requestId: id(1),
        paymentId: PAYMENT,
        state: 'applied',
        source: 'sandbox-ledger',
        recorded: { purpose: 'payment', direction: 'debit', bankCode: 'SBXA', accountRef: PAYER_ACCOUNT, amount: { value: '400.00', currency: 'INR' } },
        resultCode: '00',
        rrn: '000000000042',
        statusRequested: false,
      },
    ]);
  });

  it('reports a declined sandbox leg with its code, and a leg no bank was sent as not-found, in the order asked', async () => {
    sandbox.push(sandboxLeg(id(2), { resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, rrn: null, movedMinor: 0n }));
    const { legs } = await reconcile.execute({ legs: [asked(id(3)), asked(id(2))] });
    expect(legs.map((leg) => [leg.requestId, leg.state, leg.source, leg.resultCode])).toEqual([
      [id(3), 'not-found', 'none', undefined],
      [id(2), 'declined', 'sandbox-ledger', 'Z9'],
    ]);
    expect(legs[1].recorded?.amount).toEqual({ value: '500.00', currency: 'INR' });
    expect(transactions.transactions).toBe(0);
  });

  it("reports a partner bank's recorded answer without asking it again", async () => {
    partnerLegs.rows.set(id(4), partnerLeg(id(4), { answer: { approved: true, rrn: '000000000077' }, answeredAt: new Date() }));
    partnerLegs.rows.set(id(5), partnerLeg(id(5), { answer: { approved: false, resultCode: RESULT_CODES.CREDIT_FAILED, reason: 'closed' }, answeredAt: new Date() }));
    const { legs } = await reconcile.execute({ legs: [asked(id(4), { bankCode: 'XMPL', direction: 'credit' }), asked(id(5), { bankCode: 'XMPL', direction: 'credit' })] });
    expect(legs.map((leg) => [leg.state, leg.source, leg.resultCode, leg.rrn])).toEqual([
      ['applied', 'partner-answer', '00', '000000000077'],
      ['declined', 'partner-answer', 'U31', undefined],
    ]);
    expect(transactions.published).toEqual([]);
  });

  it('sends an unanswered partner leg to its bank again (same request id, no PIN) and reports it unknown', async () => {
    partnerLegs.rows.set(id(6), partnerLeg(id(6)));
    const { legs } = await reconcile.execute({ legs: [asked(id(6), { bankCode: 'XMPL', direction: 'credit', accountRef: PAYEE_ACCOUNT })] });
    expect(legs).toEqual([expect.objectContaining({ requestId: id(6), state: 'unknown', source: 'partner-unanswered', statusRequested: true })]);
    expect(transactions.published).toHaveLength(1);
    const [request] = transactions.published as Array<{ type: string; key: string; data: PartnerLegRequested }>;
    expect(request).toMatchObject({ type: EVENT_TYPES.PARTNER_CREDIT_REQUESTED, key: PAYMENT, data: { requestId: id(6), amount: { value: '500.00', currency: 'INR' } } });
    expect(request.data.encryptedPin).toBeUndefined();
    expect(partnerLegs.rows.get(id(6))?.forwards).toBe(2);
  });

  it('lists legs the banks recorded for the same payments that were not asked about', async () => {
    sandbox.push(sandboxLeg(id(7)), sandboxLeg(id(8), { direction: 'credit', purpose: 'reversal', movedMinor: 50_000n }));
    partnerLegs.rows.set(id(9), partnerLeg(id(9), { answer: { approved: true, rrn: '000000000078' }, answeredAt: new Date() }));
    const { legs, unaskedLegs } = await reconcile.execute({ legs: [asked(id(7))] });
    expect(legs.map((leg) => leg.state)).toEqual(['applied']);
    expect(unaskedLegs.map((leg) => [leg.requestId, leg.state, leg.recorded?.purpose, leg.recorded?.direction])).toEqual([
      [id(8), 'applied', 'reversal', 'credit'],
      [id(9), 'applied', 'payment', 'credit'],
    ]);
    // Unasked partner legs are reported, never re-sent: payments did not ask about them.
    expect(transactions.published).toEqual([]);
  });
});
