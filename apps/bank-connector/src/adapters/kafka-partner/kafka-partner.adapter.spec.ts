import { decryptForBank, EVENT_TYPES, Money, PartnerLegRequested } from '@kirim/contracts';
import { FakeTransactionScope, FixedClock } from '@kirim/testing';
import type { KeyLike } from 'jose';
import type { BankLegCommand } from '../../bank-legs/bank-adapter.port';
import { InMemoryPartnerLegRepository, onePartnerRegistry } from '../../testing/bank-connector-fakes';
import { KafkaPartnerAdapter } from './kafka-partner.adapter';

const leg: BankLegCommand = {
  requestId: '6f1c1f0e-0b7a-4c2e-9d7f-0d5c2b1a9e01',
  paymentId: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  txnId: `KRM${'0'.repeat(32)}`,
  purpose: 'payment',
  bankCode: 'XMPL',
  accountRef: '11111111-2222-4333-8444-555555555555',
  amount: Money.ofMinor(50_000n, 'INR'),
};

describe('KafkaPartnerAdapter', () => {
  let adapter: KafkaPartnerAdapter;
  let legs: InMemoryPartnerLegRepository;
  let decryptionKey: KeyLike;

  beforeEach(async () => {
    const setup = await onePartnerRegistry();
    legs = new InMemoryPartnerLegRepository();
    decryptionKey = setup.decryptionKey;
    adapter = new KafkaPartnerAdapter(setup.registry, legs, new FixedClock());
  });

  it('claims the registered partner banks', () => {
    expect(adapter.bankCodes).toEqual(['XMPL']);
  });

  it('sends the leg to the bank, the account encrypted for that bank alone, and records it', async () => {
    const tx = new FakeTransactionScope();

    expect(await adapter.apply(tx, 'debit', leg)).toEqual({ kind: 'forwarded' });

    expect(tx.published).toHaveLength(1);
    const [request] = tx.published as Array<{ type: string; key: string; data: PartnerLegRequested }>;
    expect(request).toMatchObject({ type: EVENT_TYPES.PARTNER_DEBIT_REQUESTED, key: leg.paymentId, data: { requestId: leg.requestId, bankCode: 'XMPL', amount: { value: '500.00', currency: 'INR' } } });
    expect(JSON.stringify(request.data)).not.toContain(leg.accountRef);
    await expect(decryptForBank(request.data.account, decryptionKey)).resolves.toEqual({ accountRef: leg.accountRef });
    expect(legs.rows.get(leg.requestId)).toMatchObject({ direction: 'debit', forwards: 1, answer: null });
  });

  it("forwards the payer's PIN block on a debit, unopened and unrecorded, and none on a credit or a status check", async () => {
    const pinBlock = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';
    const debitTx = new FakeTransactionScope();
    await adapter.apply(debitTx, 'debit', { ...leg, encryptedPin: pinBlock });
    expect((debitTx.published[0].data as PartnerLegRequested).encryptedPin).toBe(pinBlock);
    expect(JSON.stringify(legs.rows.get(leg.requestId), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).not.toContain(pinBlock);

    // A status check re-sends the leg without the PIN (payments never re-sends it).
    const recheckTx = new FakeTransactionScope();
    await adapter.apply(recheckTx, 'debit', leg);
    expect((recheckTx.published[0].data as PartnerLegRequested).encryptedPin).toBeUndefined();

    const creditTx = new FakeTransactionScope();
    await adapter.apply(creditTx, 'credit', { ...leg, requestId: '7f1c1f0e-0b7a-4c2e-9d7f-0d5c2b1a9e02', encryptedPin: pinBlock });
    expect((creditTx.published[0].data as PartnerLegRequested).encryptedPin).toBeUndefined();
  });

  it('sends a status check (same request id, same leg) to the bank again while it has not answered', async () => {
    await adapter.apply(new FakeTransactionScope(), 'debit', leg);
    const tx = new FakeTransactionScope();

    expect(await adapter.apply(tx, 'debit', leg)).toEqual({ kind: 'forwarded' });
    expect(tx.published.map((event) => event.type)).toEqual([EVENT_TYPES.PARTNER_DEBIT_REQUESTED]);
    expect(legs.rows.get(leg.requestId)?.forwards).toBe(2);
  });

  it('answers a status check from the answer the bank already gave, without asking it again', async () => {
    await adapter.apply(new FakeTransactionScope(), 'debit', leg);
    await legs.recordAnswer(new FakeTransactionScope(), leg.requestId, { approved: true, rrn: '000000000042' }, new Date());
    const tx = new FakeTransactionScope();

    expect(await adapter.apply(tx, 'debit', leg)).toEqual({ kind: 'approved', rrn: '000000000042' });
    expect(tx.published).toEqual([]);
  });

  it.each([
    ['another amount', { amount: Money.ofMinor(5_000_000n, 'INR') }, 'amount'],
    ['another account', { accountRef: '99999999-2222-4333-8444-555555555555' }, 'account'],
    ['another payment', { paymentId: '99999999-6e5f-4a3b-8c2d-1e0f9a8b7c6d' }, 'paymentId'],
  ])('refuses a request id reused with %s, and sends nothing', async (_what, change, field) => {
    await adapter.apply(new FakeTransactionScope(), 'debit', leg);
    const tx = new FakeTransactionScope();

    expect(await adapter.apply(tx, 'debit', { ...leg, ...change })).toEqual({ kind: 'refused', reason: expect.stringContaining(`${field} differs`) });
    expect(tx.published).toEqual([]);
  });

  it('refuses a request id reused for the other direction', async () => {
    await adapter.apply(new FakeTransactionScope(), 'debit', leg);
    expect(await adapter.apply(new FakeTransactionScope(), 'credit', leg)).toEqual({ kind: 'refused', reason: expect.stringContaining('direction differs') });
  });
});
