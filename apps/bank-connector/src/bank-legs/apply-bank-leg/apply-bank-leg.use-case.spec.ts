import { BankLegRequested, EVENT_TYPES, RESULT_CODES } from '@kirim/contracts';
import type { OutgoingEvent, TransactionScope } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { BankAdapter, BankLegCommand, BankLegOutcome } from '../bank-adapter.port';
import { BankAdapterRouter } from '../bank-adapter.router';
import { ApplyBankLeg } from './apply-bank-leg.use-case';

class FakeTransaction implements TransactionScope {
  readonly manager = {} as EntityManager;
  readonly published: OutgoingEvent[] = [];

  async publish<T extends object>(event: OutgoingEvent<T>): Promise<void> {
    this.published.push(event);
  }
}

class FakeBankAdapter implements BankAdapter {
  readonly name = 'fake';
  readonly calls: Array<{ direction: 'debit' | 'credit'; leg: BankLegCommand; manager: EntityManager }> = [];

  constructor(
    readonly bankCodes: readonly string[],
    private readonly answer: BankLegOutcome,
  ) {}

  async debit(leg: BankLegCommand, manager: EntityManager): Promise<BankLegOutcome> {
    this.calls.push({ direction: 'debit', leg, manager });
    return this.answer;
  }

  async credit(leg: BankLegCommand, manager: EntityManager): Promise<BankLegOutcome> {
    this.calls.push({ direction: 'credit', leg, manager });
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

function setUp(answer: BankLegOutcome): { useCase: ApplyBankLeg; adapter: FakeBankAdapter; tx: FakeTransaction } {
  const adapter = new FakeBankAdapter(['SBXA'], answer);
  return { useCase: new ApplyBankLeg(new BankAdapterRouter([adapter])), adapter, tx: new FakeTransaction() };
}

describe('ApplyBankLeg', () => {
  it('applies an approved debit in the consumer transaction and publishes debit.succeeded keyed by payment', async () => {
    const { useCase, adapter, tx } = setUp({ approved: true, rrn: '000000000042' });

    const result = await useCase.execute('debit', request(), tx);

    expect(adapter.calls).toHaveLength(1);
    expect(adapter.calls[0].direction).toBe('debit');
    expect(adapter.calls[0].manager).toBe(tx.manager);
    expect(adapter.calls[0].leg.amount.minorUnits).toBe(50_000n);
    expect(result).toEqual({
      requestId: request().requestId,
      paymentId: request().paymentId,
      purpose: 'payment',
      resultCode: RESULT_CODES.SUCCESS,
      rrn: '000000000042',
    });
    expect(tx.published).toEqual([{ type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, key: request().paymentId, data: result }]);
  });

  it('publishes debit.declined with the code and reason of a declined debit', async () => {
    const { useCase, tx } = setUp({ approved: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, reason: 'insufficient funds' });

    const result = await useCase.execute('debit', request(), tx);

    expect(result).toMatchObject({ resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, reason: 'insufficient funds' });
    expect(result.rrn).toBeUndefined();
    expect(tx.published.map((event) => event.type)).toEqual([EVENT_TYPES.BANK_DEBIT_DECLINED]);
  });

  it('publishes credit.succeeded and credit.declined for credits, keeping the purpose', async () => {
    const approved = setUp({ approved: true, rrn: '000000000043' });
    await approved.useCase.execute('credit', request({ purpose: 'reversal' }), approved.tx);
    expect(approved.adapter.calls[0].direction).toBe('credit');
    expect(approved.tx.published[0]).toMatchObject({ type: EVENT_TYPES.BANK_CREDIT_SUCCEEDED, data: { purpose: 'reversal' } });

    const declined = setUp({ approved: false, resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING, reason: 'account not found at this bank' });
    await declined.useCase.execute('credit', request(), declined.tx);
    expect(declined.tx.published[0]).toMatchObject({ type: EVENT_TYPES.BANK_CREDIT_DECLINED, data: { resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING } });
  });

  it.each([
    ['debit', EVENT_TYPES.BANK_DEBIT_DECLINED, RESULT_CODES.REMITTER_BANK_OFFLINE],
    ['credit', EVENT_TYPES.BANK_CREDIT_DECLINED, RESULT_CODES.BENEFICIARY_BANK_OFFLINE],
  ] as const)('declines a %s at a bank no adapter reaches without calling any adapter', async (direction, type, code) => {
    const { useCase, adapter, tx } = setUp({ approved: true, rrn: '000000000044' });

    await useCase.execute(direction, request({ bankCode: 'NOPE' }), tx);

    expect(adapter.calls).toHaveLength(0);
    expect(tx.published).toEqual([expect.objectContaining({ type, data: expect.objectContaining({ resultCode: code }) })]);
  });

  it('lets an adapter failure (an outage) propagate and publishes nothing, so the message is retried', async () => {
    const adapter = new FakeBankAdapter(['SBXA'], { approved: true, rrn: '000000000045' });
    adapter.debit = async () => {
      throw new Error('connection reset');
    };
    const tx = new FakeTransaction();

    await expect(new ApplyBankLeg(new BankAdapterRouter([adapter])).execute('debit', request(), tx)).rejects.toThrow('connection reset');
    expect(tx.published).toHaveLength(0);
  });
});

describe('BankAdapterRouter', () => {
  it('routes by bank code', () => {
    const a = new FakeBankAdapter(['SBXA', 'SBXB'], { approved: true, rrn: '000000000001' });
    const b = new FakeBankAdapter(['PRTN'], { approved: true, rrn: '000000000001' });
    const router = new BankAdapterRouter([a, b]);
    expect(router.adapterFor('SBXB')).toBe(a);
    expect(router.adapterFor('PRTN')).toBe(b);
    expect(router.adapterFor('ZZZZ')).toBeUndefined();
    expect(router.knownBankCodes()).toEqual(['PRTN', 'SBXA', 'SBXB']);
  });

  it('refuses to start when two adapters claim one bank', () => {
    const a = new FakeBankAdapter(['SBXA'], { approved: true, rrn: '000000000001' });
    const b = new FakeBankAdapter(['SBXA'], { approved: true, rrn: '000000000001' });
    expect(() => new BankAdapterRouter([a, b])).toThrow(/SBXA is claimed by two adapters/);
  });
});
