import { FixedClock, SequentialIds } from '@kirim/testing';
import { aUser, FakeTransactions, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { InMemoryPaymentAddresses } from '../../testing/in-memory-payment-addresses.fakes';
import { AddPaymentAddress } from '../add-payment-address/add-payment-address.use-case';
import { CreateDefaultPaymentAddress } from '../create-default-payment-address/create-default-payment-address.use-case';
import { PaymentAddressPolicy } from '../payment-address-policy';
import { ReserveMerchantAddress } from './reserve-merchant-address.use-case';

describe('ReserveMerchantAddress', () => {
  const asha = aUser({ id: '11111111-1111-4111-8111-111111111111', phone: '+919876500001' });
  const ravi = aUser({ id: '22222222-2222-4222-8222-222222222222', phone: '+919876500002' });
  const ashaMerchant = 'aaaaaaaa-0000-5000-8000-000000000001';
  const raviMerchant = 'bbbbbbbb-0000-5000-8000-000000000002';
  let transactions: FakeTransactions;
  let addresses: InMemoryPaymentAddresses;
  let reserve: ReserveMerchantAddress;
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
    reserve = new ReserveMerchantAddress(transactions, users, addresses, clock, ids);
    add = new AddPaymentAddress(transactions, users, addresses, new PaymentAddressPolicy(5), clock, ids);
  });

  it("holds the handle for the merchant, owned by its owner, yet none of the owner's own addresses", async () => {
    const result = await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'chai.point' });

    expect(result).toMatchObject({ ok: true, created: true, address: { userId: asha.id, handle: 'chai.point', merchantId: ashaMerchant, isPrimary: false, isDefault: false } });
    expect((await addresses.findByHandle('CHAI.POINT'))?.merchantId).toBe(ashaMerchant);
    // Not listed, counted, made primary or removed by the owner as theirs.
    expect((await addresses.listByUser(asha.id)).map((address) => address.handle)).toEqual(['9876500001']);
  });

  it('answers a repeat of the same merchant, owner and handle with the same reservation (payments retrying)', async () => {
    const first = await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'chai.point' });
    const again = await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'chai.point' });

    if (!first.ok) throw new Error(first.code);
    expect(again).toEqual({ ok: true, created: false, address: first.address });
    expect(addresses.rows.filter((row) => row.merchantId === ashaMerchant)).toHaveLength(1);
  });

  it("refuses the handle to another merchant, another owner, or the same merchant for another handle, as taken", async () => {
    await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'chai.point' });

    expect(await reserve.execute({ ownerUserId: ravi.id, merchantId: raviMerchant, handle: 'chai.point' })).toEqual({ ok: false, code: 'taken' });
    // The same merchant id under another owner is not a repeat.
    expect(await reserve.execute({ ownerUserId: ravi.id, merchantId: ashaMerchant, handle: 'chai.point' })).toEqual({ ok: false, code: 'taken' });
    // A merchant holds one address.
    expect(await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'chai.corner' })).toEqual({ ok: false, code: 'taken' });
    expect(addresses.rows.filter((row) => row.merchantId !== null).map((row) => [row.handle, row.merchantId])).toEqual([['chai.point', ashaMerchant]]);
  });

  it('refuses a look-alike of a merchant handle or of a user handle as confusable', async () => {
    await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'chai.point' });
    await add.execute({ userId: ravi.id, handle: 'ravi.s' });

    expect(await reserve.execute({ ownerUserId: ravi.id, merchantId: raviMerchant, handle: 'chai-p0int' })).toEqual({ ok: false, code: 'confusable' });
    expect(await reserve.execute({ ownerUserId: asha.id, merchantId: raviMerchant, handle: 'ravi_5' })).toEqual({ ok: false, code: 'confusable' });
  });

  it("refuses a user's handle as taken, the owner's own included (it would be paid to them as a person)", async () => {
    await add.execute({ userId: ravi.id, handle: 'ravi.s' });
    await add.execute({ userId: asha.id, handle: 'asha.k' });

    expect(await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'ravi.s' })).toEqual({ ok: false, code: 'taken' });
    expect(await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'asha.k' })).toEqual({ ok: false, code: 'taken' });
  });

  it('applies the rules of every kirim handle, storing nothing when they refuse', async () => {
    expect(await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'kirim.support' })).toMatchObject({ ok: false, code: 'reserved' });
    expect(await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: '98765432lo' })).toMatchObject({ ok: false, code: 'reserved' });
    expect(await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: '12345' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(addresses.rows.filter((row) => row.merchantId !== null)).toEqual([]);
    // Refused before any transaction (the two are the default addresses').
    expect(transactions.transactions).toBe(2);
  });

  it('refuses an owner who is not a registered user', async () => {
    expect(await reserve.execute({ ownerUserId: '99999999-9999-4999-8999-999999999999', merchantId: ashaMerchant, handle: 'chai.point' })).toEqual({ ok: false, code: 'owner-not-found' });
    expect(await addresses.findByHandle('chai.point')).toBeNull();
  });

  it('lets no user take the handle or a look-alike of it afterwards', async () => {
    await reserve.execute({ ownerUserId: asha.id, merchantId: ashaMerchant, handle: 'chai.point' });

    expect(await add.execute({ userId: ravi.id, handle: 'chai.point' })).toEqual({ ok: false, code: 'taken' });
    expect(await add.execute({ userId: ravi.id, handle: 'cha1.point' })).toEqual({ ok: false, code: 'confusable' });
  });
});
