import { FixedClock, SequentialIds } from '@kirim/testing';
import { AddPaymentAddress } from '../../payment-addresses/add-payment-address/add-payment-address.use-case';
import { CreateDefaultPaymentAddress } from '../../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { PaymentAddressPolicy } from '../../payment-addresses/payment-address-policy';
import { ReserveMerchantAddress } from '../../payment-addresses/reserve-merchant-address/reserve-merchant-address.use-case';
import { aLinkedAccount, aUser, FakeTransactions, InMemoryLinkedAccounts, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { InMemoryPayeeLookupBuckets, InMemoryPaymentAddresses } from '../../testing/in-memory-payment-addresses.fakes';
import { PIX_DICT_BUCKET_DEFAULTS } from '../payee-lookup-bucket';
import { ResolvePayee } from './resolve-payee.use-case';

describe('ResolvePayee', () => {
  const caller = aUser({ id: '11111111-1111-4111-8111-111111111111', phone: '+919876500001' });
  const ravi = aUser({ id: '22222222-2222-4222-8222-222222222222', phone: '+919876500002', displayName: 'Chosen By Ravi' });
  const noAccount = aUser({ id: '33333333-3333-4333-8333-333333333333', phone: '+919876500003' });
  let clock: FixedClock;
  let accounts: InMemoryLinkedAccounts;
  let buckets: InMemoryPayeeLookupBuckets;
  let resolve: ResolvePayee;

  beforeEach(async () => {
    const transactions = new FakeTransactions();
    const users = new InMemoryUsers();
    [caller, ravi, noAccount].forEach((user) => users.add(user));
    const addresses = new InMemoryPaymentAddresses();
    clock = new FixedClock(new Date('2026-12-01T10:00:00.000Z'));
    const ids = new SequentialIds();
    const defaults = new CreateDefaultPaymentAddress(addresses, clock, ids);
    for (const user of [caller, ravi, noAccount]) await transactions.run((tx) => defaults.execute(tx, { userId: user.id, phone: user.phone }));
    await new AddPaymentAddress(transactions, users, addresses, new PaymentAddressPolicy(5), clock, ids).execute({ userId: ravi.id, handle: 'ravi.s' });
    // Ravi also owns a merchant, whose address identity holds for it (docs/merchants.md).
    const reserved = await new ReserveMerchantAddress(transactions, users, addresses, clock, ids).execute({ ownerUserId: ravi.id, merchantId: 'cccccccc-0000-4000-8000-000000000003', handle: 'chai.point' });
    expect(reserved).toMatchObject({ ok: true, created: true });
    accounts = new InMemoryLinkedAccounts();
    accounts.add(aLinkedAccount({ userId: ravi.id, holderName: 'Ravi Kumar Shankar', bankName: 'Sandbox Bank B', bankCode: 'SBXB', accountRef: 'bbbbbbbb-0000-4000-8000-000000000002', maskedAccountNumber: 'XXXXXXXX0002' }));
    buckets = new InMemoryPayeeLookupBuckets();
    resolve = new ResolvePayee(users, addresses, accounts, buckets, PIX_DICT_BUCKET_DEFAULTS, clock);
  });

  const tokens = () => buckets.buckets.get(caller.id)?.tokens;

  it('finds the payee by phone: primary address, masked bank name, bank; no account, reference or phone; costs 1', async () => {
    const result = await resolve.execute({ callerUserId: caller.id, payee: { phone: ravi.phone } });

    expect(result).toEqual({ ok: true, payee: { address: '9876500002@kirim', name: 'Ravi K**** S******', bankName: 'Sandbox Bank B' } });
    expect(JSON.stringify(result)).not.toMatch(/bbbbbbbb|XXXX|\+91|Chosen/);
    expect(tokens()).toBe(99);
  });

  it('finds the payee by address and shows that address, not the phone-number primary one', async () => {
    const result = await resolve.execute({ callerUserId: caller.id, payee: { address: 'Ravi.S@kirim' } });
    expect(result).toEqual({ ok: true, payee: { address: 'ravi.s@kirim', name: 'Ravi K**** S******', bankName: 'Sandbox Bank B' } });
  });

  it.each([
    ['an unknown phone', { phone: '+919876500099' }],
    ['an unknown address', { address: 'nobody@kirim' }],
    ["another PSP's address", { address: 'ravi.s@okaxis' }],
  ])('answers ZH for %s and charges a miss (20)', async (_label, payee) => {
    expect(await resolve.execute({ callerUserId: caller.id, payee })).toEqual({ ok: false, code: 'payee-unknown', resultCode: 'ZH' });
    expect(tokens()).toBe(80);
  });

  it("refuses a merchant's address as payee-is-merchant, without its owner's name or bank, charged as a hit", async () => {
    const result = await resolve.execute({ callerUserId: caller.id, payee: { address: 'CHAI.POINT@kirim' } });

    expect(result).toEqual({ ok: false, code: 'payee-is-merchant' });
    expect(tokens()).toBe(99);
  });

  it('answers XI for a payee without a linked account, charged as a hit', async () => {
    expect(await resolve.execute({ callerUserId: caller.id, payee: { phone: noAccount.phone } })).toEqual({ ok: false, code: 'payee-account-missing', resultCode: 'XI' });
    expect(tokens()).toBe(99);
  });

  it('shows no name for an account linked before names were recorded, and the bank code for its bank', async () => {
    accounts.rows.splice(0, accounts.rows.length, aLinkedAccount({ userId: ravi.id, holderName: null, bankName: null, bankCode: 'SBXB' }));
    expect(await resolve.execute({ callerUserId: caller.id, payee: { phone: ravi.phone } })).toMatchObject({ ok: true, payee: { name: null, bankName: 'SBXB' } });
  });

  it('refuses with Retry-After once scanning has emptied the bucket, before looking anyone up', async () => {
    for (let i = 0; i < 5; i += 1) await resolve.execute({ callerUserId: caller.id, payee: { phone: `+91987650010${i}` } });

    expect(await resolve.execute({ callerUserId: caller.id, payee: { phone: ravi.phone } })).toEqual({ ok: false, code: 'rate-limited', retryAfterSeconds: 600 });
    clock.current = new Date(clock.current.getTime() + 600_000);
    expect(await resolve.execute({ callerUserId: caller.id, payee: { phone: ravi.phone } })).toMatchObject({ ok: true });
  });

  it('lets a contact-book of hits through where a scan of misses stops', async () => {
    const hits = [];
    for (let i = 0; i < 60; i += 1) hits.push(await resolve.execute({ callerUserId: caller.id, payee: { phone: ravi.phone } }));
    expect(hits.every((result) => result.ok)).toBe(true);
  });
});
