import { aLinkedAccount, aUser, InMemoryLinkedAccounts, InMemoryPaymentPartyReader, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { FakeTransactionScope, FixedClock } from '@kirim/testing';
import { handleSkeleton } from '../../payment-addresses/payment-handle-rules';
import { InMemoryPayeeLookupBuckets, InMemoryPaymentAddresses } from '../../testing/in-memory-payment-addresses.fakes';
import { ResolvePaymentParties } from './resolve-payment-parties.use-case';

describe('ResolvePaymentParties', () => {
  const payer = aUser({ id: '11111111-1111-4111-8111-111111111111', phone: '+919876500001', displayName: 'Asha' });
  const payee = aUser({ id: '22222222-2222-4222-8222-222222222222', phone: '+919876500002', displayName: 'Ravi' });
  let users: InMemoryUsers;
  let accounts: InMemoryLinkedAccounts;
  let addresses: InMemoryPaymentAddresses;
  let buckets: InMemoryPayeeLookupBuckets;
  let resolve: ResolvePaymentParties;
  const policy = { capacity: 100, refillPerMinute: 2, hitCost: 1, missCost: 20 };
  const clock = new FixedClock(new Date('2026-12-01T10:00:00Z'));

  beforeEach(async () => {
    users = new InMemoryUsers();
    accounts = new InMemoryLinkedAccounts();
    addresses = new InMemoryPaymentAddresses();
    users.add(payer);
    users.add(payee);
    const created = new Date('2025-01-01T00:00:00Z');
    await addresses.insertIfFree(new FakeTransactionScope(), { id: 'a1', userId: payee.id, handle: '9876500002', isPrimary: true, isDefault: true, merchantId: null, createdAt: created }, handleSkeleton('9876500002'));
    await addresses.insertIfFree(new FakeTransactionScope(), { id: 'a2', userId: payee.id, handle: 'ravi.s', isPrimary: false, isDefault: false, merchantId: null, createdAt: created }, handleSkeleton('ravi.s'));
    buckets = new InMemoryPayeeLookupBuckets();
    resolve = new ResolvePaymentParties(new InMemoryPaymentPartyReader(users, accounts, buckets), addresses, buckets, policy, clock);
  });

  it('resolves the payee by payment address too, without regard to case', async () => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    linkPrimary(payee.id, 'bbbbbbbb-0000-4000-8000-000000000002', 'SBXB');

    expect(await resolve.execute({ payerUserId: payer.id, payeeAddress: 'Ravi.S@KIRIM' })).toMatchObject({
      ok: true,
      payee: { userId: payee.id, bankCode: 'SBXB', accountRef: 'bbbbbbbb-0000-4000-8000-000000000002' },
    });
  });

  it.each(['nobody@kirim', 'ravi.s@otherpsp'])('answers payee-unknown with ZH for the address %s', async (payeeAddress) => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    expect(await resolve.execute({ payerUserId: payer.id, payeeAddress })).toEqual({ ok: false, code: 'payee-unknown', resultCode: 'ZH' });
  });

  describe("a merchant's address", () => {
    // Ravi (the payee) owns a merchant; its address is held at identity for the merchant, not for Ravi.
    const merchantId = 'cccccccc-0000-4000-8000-000000000003';
    beforeEach(async () => {
      await addresses.insertIfFree(new FakeTransactionScope(), { id: 'm1', userId: payee.id, handle: 'chai.point', isPrimary: false, isDefault: false, merchantId, createdAt: clock.now() }, handleSkeleton('chai.point'));
      linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
      linkPrimary(payee.id, 'bbbbbbbb-0000-4000-8000-000000000002', 'SBXB');
    });

    it('is refused as payee-is-merchant, never resolved to its owner as a person, and costs a hit', async () => {
      expect(await resolve.execute({ payerUserId: payer.id, payeeAddress: 'Chai.Point@kirim' })).toEqual({ ok: false, code: 'payee-is-merchant' });
      expect(buckets.buckets.get(payer.id)?.tokens).toBe(99);
      // The owner's own addresses still resolve to them.
      expect(await resolve.execute({ payerUserId: payer.id, payeeAddress: 'ravi.s@kirim' })).toMatchObject({ ok: true, payee: { userId: payee.id } });
    });

    it("is payee-is-merchant for its own owner too, not self-payment (a merchant's address is never the owner's settlement address)", async () => {
      expect(await resolve.execute({ payerUserId: payee.id, payeeAddress: 'chai.point@kirim' })).toEqual({ ok: false, code: 'payee-is-merchant' });
      expect(await resolve.execute({ payerUserId: payee.id, payeeAddress: 'ravi.s@kirim' })).toEqual({ ok: false, code: 'self-payment' });
    });
  });

  const linkPrimary = (userId: string, accountRef: string, bankCode: string) =>
    accounts.add(aLinkedAccount({ id: accountRef, userId, accountRef, bankCode, isPrimary: true }));

  it("resolves payer and payee to their primary accounts", async () => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    accounts.add(aLinkedAccount({ id: 'aaaaaaaa-0000-4000-8000-00000000000f', userId: payer.id, accountRef: 'aaaaaaaa-0000-4000-8000-00000000000f', isPrimary: false }));
    linkPrimary(payee.id, 'bbbbbbbb-0000-4000-8000-000000000002', 'SBXB');

    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: payee.phone })).toEqual({
      ok: true,
      payer: { userId: payer.id, bankCode: 'SBXA', accountRef: 'aaaaaaaa-0000-4000-8000-000000000001' },
      payee: { userId: payee.id, displayName: 'Ravi', bankCode: 'SBXB', accountRef: 'bbbbbbbb-0000-4000-8000-000000000002' },
    });
  });

  it('answers payee-unknown with ZH for a number nobody registered', async () => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: '+919876500099' })).toEqual({ ok: false, code: 'payee-unknown', resultCode: 'ZH' });
  });

  it('answers payer-account-missing with XH when the payer linked no account', async () => {
    linkPrimary(payee.id, 'bbbbbbbb-0000-4000-8000-000000000002', 'SBXB');
    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: payee.phone })).toEqual({ ok: false, code: 'payer-account-missing', resultCode: 'XH' });
  });

  it('answers payee-account-missing with XI when the payee linked no account', async () => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: payee.phone })).toEqual({ ok: false, code: 'payee-account-missing', resultCode: 'XI' });
  });

  it('refuses paying oneself', async () => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: payer.phone })).toEqual({ ok: false, code: 'self-payment' });
  });

  it('answers payer-unknown for a token whose user does not exist', async () => {
    expect(await resolve.execute({ payerUserId: '99999999-9999-4999-8999-999999999999', payeePhone: payee.phone })).toEqual({ ok: false, code: 'payer-unknown' });
  });

  it("pays for each lookup from the payer's anti-scan bucket, a miss costing more, and refuses when it is empty", async () => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    linkPrimary(payee.id, 'bbbbbbbb-0000-4000-8000-000000000002', 'SBXB');

    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: payee.phone })).toMatchObject({ ok: true });
    expect(buckets.buckets.get(payer.id)?.tokens).toBe(99);
    // Four misses cost 20 each; a fifth drains what is left.
    for (let guess = 0; guess < 4; guess += 1) expect(await resolve.execute({ payerUserId: payer.id, payeePhone: `+91987650100${guess}` })).toMatchObject({ code: 'payee-unknown' });
    expect(buckets.buckets.get(payer.id)?.tokens).toBe(19);
    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: '+919876501009' })).toMatchObject({ code: 'payee-unknown' });
    expect(buckets.buckets.get(payer.id)?.tokens).toBe(0);
    // Empty: even a hit waits for a token (2 a minute: 30 s).
    expect(await resolve.execute({ payerUserId: payer.id, payeePhone: payee.phone })).toEqual({ ok: false, code: 'rate-limited', retryAfterSeconds: 30 });
  });

  it('lets a payer pay several known payees at once: a hit costs one token, not a miss held in reserve', async () => {
    linkPrimary(payer.id, 'aaaaaaaa-0000-4000-8000-000000000001', 'SBXA');
    linkPrimary(payee.id, 'bbbbbbbb-0000-4000-8000-000000000002', 'SBXB');
    buckets.buckets.set(payer.id, { tokens: 10, refilledAt: clock.now() });

    const answers = await Promise.all(Array.from({ length: 10 }, () => resolve.execute({ payerUserId: payer.id, payeePhone: payee.phone })));
    expect(answers.every((answer) => answer.ok)).toBe(true);
  });
});
