import { BankLegRequested, EVENT_TYPES, RESULT_CODES } from '@kirim/contracts';
import { MessageRefusedError, OutgoingEvent, TransactionScope } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { BankAdapter, BankLegCommand, BankLegOutcome, LegDirection } from '../bank-adapter.port';
import { BankAdapterRouter } from '../bank-adapter.router';
import { ApplyBankLeg } from './apply-bank-leg.use-case';

class FakeTransaction implements TransactionScope {
  readonly manager = {} as EntityManager;
  readonly published: OutgoingEvent[] = [];

  async publish<T extends object>(event: OutgoingEvent<T>): Promise<void> {
    this.published.push(event);
  }

  afterCommit(): void {
    // Counting after the commit is bank-leg-metrics.spec.ts's subject.
  }
}

class FakeBankAdapter implements BankAdapter {
  readonly name = 'fake';
  readonly calls: Array<{ direction: LegDirection; leg: BankLegCommand; tx: TransactionScope }> = [];

  constructor(
    readonly bankCodes: readonly string[],
    private readonly answer: BankLegOutcome | Error,
  ) {}

  async apply(tx: TransactionScope, direction: LegDirection, leg: BankLegCommand): Promise<BankLegOutcome> {
    this.calls.push({ direction, leg, tx });
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

const request = (overrides: Partial<BankLegRequested> = {}): BankLegRequested =>
  Object.assign(new BankLegRequested(), {
    requestId: '6f1c1f0e-0b7a-4c2e-9d7f-0d5c2b1a9e01',
    paymentId: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
    txnId: 'KRM' + '0'.repeat(32),
    purpose: 'payment',
    bankCode: 'SBXA',
    accountRef: '11111111-2222-4333-8444-555555555555',
    amount: { value: '500.00', currency: 'INR' },
    ...overrides,
  });

function setUp(answer: BankLegOutcome | Error): { useCase: ApplyBankLeg; adapter: FakeBankAdapter; tx: FakeTransaction } {
  const adapter = new FakeBankAdapter(['SBXA'], answer);
  return { useCase: new ApplyBankLeg(new BankAdapterRouter([adapter])), adapter, tx: new FakeTransaction() };
}

describe('ApplyBankLeg', () => {
  it('applies an approved debit in the consumer transaction and answers on bank.responses, naming what it answers', async () => {
    const { useCase, adapter, tx } = setUp({ kind: 'approved', rrn: '000000000042' });

    expect(await useCase.execute(tx, { direction: 'debit', request: request() })).toBe('answered');

    expect(adapter.calls).toHaveLength(1);
    expect(adapter.calls[0]).toMatchObject({ direction: 'debit', tx });
    expect(adapter.calls[0].leg.amount.minorUnits).toBe(50_000n);
    expect(tx.published).toEqual([
      {
        type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED,
        key: request().paymentId,
        data: {
          requestId: request().requestId,
          paymentId: request().paymentId,
          purpose: 'payment',
          bankCode: 'SBXA',
          accountRef: request().accountRef,
          amount: { value: '500.00', currency: 'INR' },
          resultCode: RESULT_CODES.SUCCESS,
          rrn: '000000000042',
        },
      },
    ]);
  });

  it('answers debit.declined with the code and reason of a declined debit, and no rrn', async () => {
    const { useCase, tx } = setUp({ kind: 'declined', resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, reason: 'insufficient funds' });

    await useCase.execute(tx, { direction: 'debit', request: request() });

    expect(tx.published).toHaveLength(1);
    expect(tx.published[0]).toMatchObject({ type: EVENT_TYPES.BANK_DEBIT_DECLINED, data: { resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, reason: 'insufficient funds' } });
    expect(tx.published[0].data).not.toHaveProperty('rrn');
  });

  it('answers credit.succeeded and credit.declined for credits, keeping the purpose', async () => {
    const approved = setUp({ kind: 'approved', rrn: '000000000043' });
    await approved.useCase.execute(approved.tx, { direction: 'credit', request: request({ purpose: 'reversal' }) });
    expect(approved.adapter.calls[0].direction).toBe('credit');
    expect(approved.tx.published[0]).toMatchObject({ type: EVENT_TYPES.BANK_CREDIT_SUCCEEDED, data: { purpose: 'reversal' } });

    const declined = setUp({ kind: 'declined', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING, reason: 'account not found at this bank' });
    await declined.useCase.execute(declined.tx, { direction: 'credit', request: request() });
    expect(declined.tx.published[0]).toMatchObject({ type: EVENT_TYPES.BANK_CREDIT_DECLINED, data: { resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING } });
  });

  it('answers nothing yet for a leg forwarded to a partner bank: its answer comes on its own topic', async () => {
    const { useCase, tx } = setUp({ kind: 'forwarded' });

    expect(await useCase.execute(tx, { direction: 'debit', request: request() })).toBe('forwarded');
    expect(tx.published).toEqual([]);
  });

  it('refuses a leg the bank refuses (a reused request id): a MessageRefusedError, and no answer', async () => {
    const { useCase, tx } = setUp({ kind: 'refused', reason: 'request id was already used for another leg: amount differs' });

    await expect(useCase.execute(tx, { direction: 'debit', request: request() })).rejects.toThrow(MessageRefusedError);
    expect(tx.published).toEqual([]);
  });

  it.each([
    ['debit', EVENT_TYPES.BANK_DEBIT_DECLINED, RESULT_CODES.REMITTER_BANK_OFFLINE],
    ['credit', EVENT_TYPES.BANK_CREDIT_DECLINED, RESULT_CODES.BENEFICIARY_BANK_OFFLINE],
  ] as const)('declines a %s at a bank no adapter reaches without calling any adapter', async (direction, type, code) => {
    const { useCase, adapter, tx } = setUp({ kind: 'approved', rrn: '000000000044' });

    await useCase.execute(tx, { direction, request: request({ bankCode: 'NOPE' }) });

    expect(adapter.calls).toHaveLength(0);
    expect(tx.published).toEqual([expect.objectContaining({ type, data: expect.objectContaining({ resultCode: code, bankCode: 'NOPE' }) })]);
  });

  it('lets an adapter failure (an outage) propagate and publishes nothing, so the message is retried', async () => {
    const { useCase, tx } = setUp(new Error('connection reset'));

    await expect(useCase.execute(tx, { direction: 'debit', request: request() })).rejects.toThrow('connection reset');
    expect(tx.published).toHaveLength(0);
  });
});

describe('BankAdapterRouter', () => {
  const approved: BankLegOutcome = { kind: 'approved', rrn: '000000000001' };

  it('routes by bank code', () => {
    const a = new FakeBankAdapter(['SBXA', 'SBXB'], approved);
    const b = new FakeBankAdapter(['PRTN'], approved);
    const router = new BankAdapterRouter([a, b]);
    expect(router.adapterFor('SBXB')).toBe(a);
    expect(router.adapterFor('PRTN')).toBe(b);
    expect(router.adapterFor('ZZZZ')).toBeUndefined();
    expect(router.knownBankCodes()).toEqual(['PRTN', 'SBXA', 'SBXB']);
  });

  it('refuses to start when two adapters claim one bank', () => {
    const a = new FakeBankAdapter(['SBXA'], approved);
    const b = new FakeBankAdapter(['SBXA'], approved);
    expect(() => new BankAdapterRouter([a, b])).toThrow(/SBXA is claimed by two adapters/);
  });
});
