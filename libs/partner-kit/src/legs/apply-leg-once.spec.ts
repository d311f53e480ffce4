import { randomUUID } from 'node:crypto';
import { Money } from '@kirim/contracts';
import type { LegRequest } from '../requests/partner-request';
import { FakeBank } from '../testing/fake-bank';
import { applyLegOnce } from './apply-leg-once';
import { fingerprintLeg, differingLegFields, LegContent } from './leg-fingerprint';

const ACCOUNT = '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01';

function leg(overrides: Partial<LegContent> = {}): LegRequest {
  const content: LegContent = {
    direction: 'debit',
    requestId: 'f4a5d0c2-0d5e-4a6f-9a43-4a3c1fb9e0a1',
    paymentId: '0b3c3f0e-1111-4a55-9d2b-1f3f5f0c9a01',
    txnId: 'KRM0123456789ABCDEF0123456789ABCDEF'.slice(0, 35),
    purpose: 'payment',
    bankCode: 'XMPL',
    amount: Money.parse({ value: '60.00', currency: 'INR' }) as Money,
    accountRef: ACCOUNT,
    ...overrides,
  };
  return { kind: 'leg', ...content, fingerprint: fingerprintLeg(content), envelope: { ceId: randomUUID(), ceType: 'partner.debit.requested.v1', ceTime: new Date().toISOString(), position: { topic: 't', partition: 0, offset: '0' } } };
}

describe('fingerprintLeg', () => {
  it('is the same for the same content, however the amount was written', () => {
    const a = leg();
    const b = leg({ amount: Money.parse({ value: '60', currency: 'INR' }) as Money });
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  it.each<[string, Partial<LegContent>]>([
    ['amount', { amount: Money.parse({ value: '60.01', currency: 'INR' }) as Money }],
    ['account', { accountRef: randomUUID() }],
    ['direction', { direction: 'credit' }],
    ['paymentId', { paymentId: randomUUID() }],
    ['purpose', { purpose: 'reversal' }],
    ['txnId', { txnId: 'KRM1111111111111111111111111111111X' }],
  ])('changes with the %s', (name, change) => {
    const original = leg();
    const changed = leg(change);
    expect(changed.fingerprint).not.toBe(original.fingerprint);
    expect(differingLegFields(original, changed)).toEqual([name]);
  });
});

describe('applyLegOnce', () => {
  it('moves money once and records the answer in the same transaction', async () => {
    const bank = new FakeBank({ [ACCOUNT]: 10000n });
    const outcome = await applyLegOnce(bank, leg());
    expect(outcome).toEqual({ kind: 'answer', decision: { outcome: 'succeeded', rrn: expect.stringMatching(/^\d{12}$/) }, repeated: false });
    expect(bank.balanceOf(ACCOUNT)).toBe(4000n);
    expect(bank.transactions).toBe(1);
  });

  it('answers the same requestId again with the recorded answer and moves nothing', async () => {
    const bank = new FakeBank({ [ACCOUNT]: 10000n });
    const first = await applyLegOnce(bank, leg());
    const again = await applyLegOnce(bank, leg());
    expect(again).toEqual({ ...first, repeated: true });
    expect(bank.movements).toBe(1);
    expect(bank.balanceOf(ACCOUNT)).toBe(4000n);
  });

  it('repeats a recorded decline as it was, even once the money would be there', async () => {
    const bank = new FakeBank({ [ACCOUNT]: 1000n });
    const declined = await applyLegOnce(bank, leg());
    expect(declined).toMatchObject({ decision: { outcome: 'declined', resultCode: 'Z9' } });
    bank.state.balances.set(ACCOUNT, 10000n);
    await expect(applyLegOnce(bank, leg())).resolves.toEqual({ ...declined, repeated: true });
    expect(bank.movements).toBe(0);
  });

  it.each<[string, Partial<LegContent>]>([
    ['another amount', { amount: Money.parse({ value: '61.00', currency: 'INR' }) as Money }],
    ['another account', { accountRef: randomUUID() }],
    ['another direction', { direction: 'credit' }],
  ])('refuses the same requestId with %s, moving nothing and answering nothing', async (_what, change) => {
    const bank = new FakeBank({ [ACCOUNT]: 10000n });
    await applyLegOnce(bank, leg());
    const outcome = await applyLegOnce(bank, leg(change));
    expect(outcome).toEqual({ kind: 'conflict', reason: expect.stringMatching(/already answered for other content/) });
    expect(bank.movements).toBe(1);
    expect(bank.balanceOf(ACCOUNT)).toBe(4000n);
  });

  it('rolls back the movement when recording fails, and on retry finds the record made meanwhile', async () => {
    const bank = new FakeBank({ [ACCOUNT]: 10000n });
    bank.failNextRecord = true;
    const outcome = await applyLegOnce(bank, leg());
    expect(outcome).toEqual({ kind: 'answer', decision: { outcome: 'succeeded', rrn: '999999999999' }, repeated: true });
    expect(bank.balanceOf(ACCOUNT)).toBe(10000n);
    expect(bank.transactions).toBe(2);
  });

  it('gives up after repeated failures, so the record is read again later', async () => {
    const bank = new FakeBank({ [ACCOUNT]: 10000n });
    bank.inTransaction = async () => {
      throw new Error('database unavailable');
    };
    await expect(applyLegOnce(bank, leg())).rejects.toThrow('database unavailable');
  });

  it('declines unknown accounts XH on a debit and XI on a credit', async () => {
    const bank = new FakeBank();
    await expect(applyLegOnce(bank, leg())).resolves.toMatchObject({ decision: { resultCode: 'XH' } });
    await expect(applyLegOnce(bank, leg({ requestId: randomUUID(), direction: 'credit' }))).resolves.toMatchObject({ decision: { resultCode: 'XI' } });
  });
});
