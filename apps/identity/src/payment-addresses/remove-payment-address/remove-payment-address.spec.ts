import { FixedClock, SequentialIds } from '@kirim/testing';
import { aUser, FakeTransactions, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { InMemoryPaymentAddresses } from '../../testing/in-memory-payment-addresses.fakes';
import { AddPaymentAddress } from '../add-payment-address/add-payment-address.use-case';
import { CreateDefaultPaymentAddress } from '../create-default-payment-address/create-default-payment-address.use-case';
import { MakePaymentAddressPrimary } from '../make-payment-address-primary/make-payment-address-primary.use-case';
import type { PaymentAddress } from '../payment-address';
import { PaymentAddressPolicy } from '../payment-address-policy';
import { handleSkeleton } from '../payment-handle-rules';
import { RemovePaymentAddress } from './remove-payment-address.use-case';

describe('MakePaymentAddressPrimary and RemovePaymentAddress', () => {
  const asha = aUser({ id: '11111111-1111-4111-8111-111111111111', phone: '+919876500001' });
  const ravi = aUser({ id: '22222222-2222-4222-8222-222222222222', phone: '+919876500002' });
  let addresses: InMemoryPaymentAddresses;
  let makePrimary: MakePaymentAddressPrimary;
  let remove: RemovePaymentAddress;
  let phoneAddress: PaymentAddress;
  let custom: PaymentAddress;
  let ravis: PaymentAddress;

  beforeEach(async () => {
    const transactions = new FakeTransactions();
    const users = new InMemoryUsers();
    users.add(asha);
    users.add(ravi);
    addresses = new InMemoryPaymentAddresses();
    const clock = new FixedClock();
    const ids = new SequentialIds();
    const defaults = new CreateDefaultPaymentAddress(addresses, clock, ids);
    phoneAddress = (await transactions.run((tx) => defaults.execute(tx, { userId: asha.id, phone: asha.phone }))) as PaymentAddress;
    ravis = (await transactions.run((tx) => defaults.execute(tx, { userId: ravi.id, phone: ravi.phone }))) as PaymentAddress;
    const added = await new AddPaymentAddress(transactions, users, addresses, new PaymentAddressPolicy(5), clock, ids).execute({ userId: asha.id, handle: 'asha.k' });
    if (!added.ok) throw new Error(added.code);
    custom = added.address;
    makePrimary = new MakePaymentAddressPrimary(transactions, users, addresses);
    remove = new RemovePaymentAddress(transactions, users, addresses);
  });

  const primaryOf = async (userId: string) => (await addresses.listByUser(userId)).filter((address) => address.isPrimary).map((address) => address.handle);

  it('moves the primary mark: exactly one primary afterwards', async () => {
    expect(await makePrimary.execute({ userId: asha.id, addressId: custom.id })).toMatchObject({ ok: true, address: { handle: 'asha.k', isPrimary: true } });
    expect(await primaryOf(asha.id)).toEqual(['asha.k']);
  });

  it("answers not-found for another user's address and changes nothing", async () => {
    expect(await makePrimary.execute({ userId: asha.id, addressId: ravis.id })).toEqual({ ok: false, code: 'not-found' });
    expect(await remove.execute({ userId: asha.id, addressId: ravis.id })).toEqual({ ok: false, code: 'not-found' });
    expect(await primaryOf(ravi.id)).toEqual([ravis.handle]);
  });

  it("answers not-found for the address of the caller's own merchant: it is the merchant's, not theirs to move or drop", async () => {
    addresses.rows.push({ id: 'm1', userId: asha.id, handle: 'chai.point', isPrimary: false, isDefault: false, merchantId: 'cccccccc-0000-4000-8000-000000000003', createdAt: new Date(), skeleton: handleSkeleton('chai.point') });

    expect(await makePrimary.execute({ userId: asha.id, addressId: 'm1' })).toEqual({ ok: false, code: 'not-found' });
    expect(await remove.execute({ userId: asha.id, addressId: 'm1' })).toEqual({ ok: false, code: 'not-found' });
    expect(await addresses.findByHandle('chai.point')).toMatchObject({ id: 'm1', isPrimary: false });
  });

  it('removes a non-primary address and refuses to remove the primary one', async () => {
    expect(await remove.execute({ userId: asha.id, addressId: phoneAddress.id })).toEqual({ ok: false, code: 'primary' });
    expect(await remove.execute({ userId: asha.id, addressId: custom.id })).toEqual({ ok: true });
    expect((await addresses.listByUser(asha.id)).map((address) => address.handle)).toEqual([phoneAddress.handle]);
  });
});
