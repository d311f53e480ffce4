import { FixedClock, SequentialIds } from '@kirim/testing';
import { FakeTransactions } from '../../testing/in-memory-identity.fakes';
import { InMemoryPaymentAddresses } from '../../testing/in-memory-payment-addresses.fakes';
import { CreateDefaultPaymentAddress } from './create-default-payment-address.use-case';

describe('CreateDefaultPaymentAddress', () => {
  const USER = '11111111-1111-4111-8111-111111111111';
  let transactions: FakeTransactions;
  let addresses: InMemoryPaymentAddresses;
  let createDefault: CreateDefaultPaymentAddress;

  beforeEach(() => {
    transactions = new FakeTransactions();
    addresses = new InMemoryPaymentAddresses();
    createDefault = new CreateDefaultPaymentAddress(addresses, new FixedClock(), new SequentialIds());
  });

  it('makes the national number the primary default address', async () => {
    const address = await transactions.run((tx) => createDefault.execute(tx, { userId: USER, phone: '+919876543210' }));
    expect(address).toMatchObject({ userId: USER, handle: '9876543210', isPrimary: true, isDefault: true });
  });

  it('falls back to all the digits when the national number is taken by a number of another country', async () => {
    await transactions.run((tx) => createDefault.execute(tx, { userId: 'other', phone: '+9876543210' }));
    const address = await transactions.run((tx) => createDefault.execute(tx, { userId: USER, phone: '+919876543210' }));
    expect(address).toMatchObject({ handle: '919876543210', isPrimary: true });
  });

  it('changes nothing for a user who already has addresses', async () => {
    const first = await transactions.run((tx) => createDefault.execute(tx, { userId: USER, phone: '+919876543210' }));
    const again = await transactions.run((tx) => createDefault.execute(tx, { userId: USER, phone: '+919876543210' }));
    expect(again).toEqual(first);
    expect(addresses.rows).toHaveLength(1);
  });
});
