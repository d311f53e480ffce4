import { aUser, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { GetSmsNumber } from './get-sms-number.use-case';

describe('GetSmsNumber', () => {
  const userId = '11111111-1111-4111-8111-111111111111';

  it("answers the user's registered number", async () => {
    const users = new InMemoryUsers();
    users.add(aUser({ id: userId, phone: '+919876500001' }));

    expect(await new GetSmsNumber(users).execute({ userId })).toEqual({ ok: true, phone: '+919876500001' });
  });

  it('answers user-not-found for an id nobody has', async () => {
    expect(await new GetSmsNumber(new InMemoryUsers()).execute({ userId })).toEqual({ ok: false, code: 'user-not-found' });
  });
});
