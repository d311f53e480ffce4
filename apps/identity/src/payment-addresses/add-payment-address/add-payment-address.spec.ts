import { FixedClock, SequentialIds } from '@kirim/testing';
import { aUser, FakeTransactions, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { InMemoryPaymentAddresses } from '../../testing/in-memory-payment-addresses.fakes';
import { CreateDefaultPaymentAddress } from '../create-default-payment-address/create-default-payment-address.use-case';
import { PaymentAddressPolicy } from '../payment-address-policy';
import { handleSkeleton } from '../payment-handle-rules';
import { AddPaymentAddress } from './add-payment-address.use-case';

describe('AddPaymentAddress', () => {
  const asha = aUser({ id: '11111111-1111-4111-8111-111111111111', phone: '+919876500001' });
  const ravi = aUser({ id: '22222222-2222-4222-8222-222222222222', phone: '+919876500002' });
  let transactions: FakeTransactions;
  let addresses: InMemoryPaymentAddresses;
  let add: AddPaymentAddress;

  beforeEach(async () => {
    transactions = new FakeTransactions();
    const users = new InMemoryUsers();
    users.add(asha);
    users.add(ravi);
    addresses = new InMemoryPaymentAddresses();
    const clock = new FixedClock();
    const ids = new SequentialIds();
    const defaults = new CreateDefaultPaymentAddress(addresses, clock, ids);
    await transactions.run((tx) => defaults.execute(tx, { userId: asha.id, phone: asha.phone }));
    await transactions.run((tx) => defaults.execute(tx, { userId: ravi.id, phone: ravi.phone }));
    add = new AddPaymentAddress(transactions, users, addresses, new PaymentAddressPolicy(3), clock, ids);
  });

  it('adds a custom address, lowercase and not primary, next to the default one', async () => {
    const result = await add.execute({ userId: asha.id, handle: 'Asha.K@kirim' });

    expect(result).toMatchObject({ ok: true, created: true, address: { handle: 'asha.k', isPrimary: false, isDefault: false, userId: asha.id } });
    expect((await addresses.listByUser(asha.id)).map((address) => address.handle)).toEqual(['9876500001', 'asha.k']);
  });

  it("answers a retry of the caller's own handle with it, unchanged", async () => {
    const first = await add.execute({ userId: asha.id, handle: 'asha.k' });
    const again = await add.execute({ userId: asha.id, handle: 'ASHA.K' });

    if (!first.ok) throw new Error(first.code);
    expect(again).toEqual({ ok: true, created: false, address: first.address });
  });

  it("refuses another user's handle, in any case, as taken", async () => {
    await add.execute({ userId: asha.id, handle: 'asha.k' });
    expect(await add.execute({ userId: ravi.id, handle: 'Asha.K' })).toEqual({ ok: false, code: 'taken' });
  });

  it("refuses a merchant's handle as taken, its owner included, and a look-alike of it as confusable", async () => {
    // Asha's merchant holds chai.point (reserved by payments at onboarding; rows as ReserveMerchantAddress stores them).
    addresses.rows.push({ id: 'm1', userId: asha.id, handle: 'chai.point', isPrimary: false, isDefault: false, merchantId: 'cccccccc-0000-4000-8000-000000000003', createdAt: new Date(), skeleton: handleSkeleton('chai.point') });

    expect(await add.execute({ userId: ravi.id, handle: 'chai.point' })).toEqual({ ok: false, code: 'taken' });
    // Not a retry of the owner's own: the merchant's address is not theirs to be paid at as a person.
    expect(await add.execute({ userId: asha.id, handle: 'Chai.Point@kirim' })).toEqual({ ok: false, code: 'taken' });
    expect(await add.execute({ userId: ravi.id, handle: 'chai-p0int' })).toEqual({ ok: false, code: 'confusable' });
    // Nor is it one of the owner's addresses.
    expect((await addresses.listByUser(asha.id)).map((address) => address.handle)).toEqual(['9876500001']);
  });

  it.each(['a5ha.k', 'asha-k', 'asha_k', 'ashа.k'.replace('а', 'a').replace('s', '5')])('refuses %j, a look-alike of an existing handle, as confusable', async (lookAlike) => {
    await add.execute({ userId: asha.id, handle: 'asha.k' });
    expect(await add.execute({ userId: ravi.id, handle: lookAlike })).toEqual({ ok: false, code: 'confusable' });
  });

  it('refuses an invalid or reserved handle with the reason, storing nothing', async () => {
    expect(await add.execute({ userId: asha.id, handle: 'a' })).toMatchObject({ ok: false, code: 'invalid', reason: expect.stringContaining('3 to 50') });
    expect(await add.execute({ userId: asha.id, handle: 'supp0rt' })).toMatchObject({ ok: false, code: 'reserved' });
    expect(await addresses.listByUser(asha.id)).toHaveLength(1);
    expect(transactions.transactions).toBe(2);
  });

  it('refuses an address past the per-user limit (the default one counts)', async () => {
    await add.execute({ userId: asha.id, handle: 'asha.one' });
    await add.execute({ userId: asha.id, handle: 'asha.two' });
    expect(await add.execute({ userId: asha.id, handle: 'asha.three' })).toEqual({ ok: false, code: 'limit-reached' });
  });

  it('answers the race the early checks cannot see from the insert: a look-alike stored meanwhile', async () => {
    // Stands for another replica inserting "a5ha" between this request's checks and its insert.
    const original = addresses.existsWithSkeleton.bind(addresses);
    addresses.existsWithSkeleton = async (skeleton) => {
      const seen = await original(skeleton);
      addresses.rows.push({ id: 'x', userId: ravi.id, handle: 'a5ha', isPrimary: false, isDefault: false, merchantId: null, createdAt: new Date(), skeleton });
      return seen;
    };
    expect(await add.execute({ userId: asha.id, handle: 'asha' })).toEqual({ ok: false, code: 'confusable' });
  });
});
