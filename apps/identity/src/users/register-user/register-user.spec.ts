import { EVENT_TYPES } from '@kirim/contracts';
import { decodeJwt } from 'jose';
import { aUser, FakeTransactions, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { CreateDefaultPaymentAddress } from '../../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { InMemoryPaymentAddresses } from '../../testing/in-memory-payment-addresses.fakes';
import { testTokenIssuer } from '../../testing/test-token-issuer';
import { RegisterUser } from './register-user.use-case';

describe('RegisterUser', () => {
  let transactions: FakeTransactions;
  let users: InMemoryUsers;
  let addresses: InMemoryPaymentAddresses;
  let registerUser: RegisterUser;

  beforeEach(() => {
    transactions = new FakeTransactions();
    users = new InMemoryUsers();
    addresses = new InMemoryPaymentAddresses();
    const clock = new FixedClock();
    const ids = new SequentialIds();
    registerUser = new RegisterUser(transactions, users, testTokenIssuer(), new CreateDefaultPaymentAddress(addresses, clock, ids), clock, ids);
  });

  it('gives the new user a primary default address from the national number, in the same transaction', async () => {
    const result = await registerUser.execute({ phone: '+919876500001', displayName: 'Asha' });

    if (!result.ok) throw new Error(`expected success, got ${result.code}`);
    expect(await addresses.listByUser(result.userId)).toEqual([expect.objectContaining({ handle: '9876500001', isPrimary: true, isDefault: true })]);
    expect(transactions.transactions).toBe(1);
  });

  it('creates the user, emits UserRegistered keyed by userId and returns a token for them', async () => {
    const result = await registerUser.execute({ phone: '+919876500001', displayName: 'Asha' });

    if (!result.ok) throw new Error(`expected success, got ${result.code}`);
    const stored = await users.findById(result.userId);
    expect(stored).toMatchObject({ phone: '+919876500001', displayName: 'Asha' });
    expect(transactions.published).toEqual([
      { type: EVENT_TYPES.USER_REGISTERED, key: result.userId, data: { userId: result.userId, registeredAt: stored?.createdAt.toISOString() } },
    ]);
    expect(result.token).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(decodeJwt(result.token.accessToken).sub).toBe(result.userId);
  });

  it('keeps the phone number out of the event', async () => {
    await registerUser.execute({ phone: '+919876500001', displayName: 'Asha' });
    expect(JSON.stringify(transactions.published)).not.toContain('9876500001');
  });

  it('refuses a phone number that is already registered and emits nothing', async () => {
    users.add(aUser({ phone: '+919876500001' }));

    const result = await registerUser.execute({ phone: '+919876500001', displayName: 'Someone else' });

    expect(result).toEqual({ ok: false, code: 'already-registered' });
    expect(users.rows.size).toBe(1);
    expect(transactions.published).toEqual([]);
  });
});
