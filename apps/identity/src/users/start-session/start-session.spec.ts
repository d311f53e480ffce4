import { decodeJwt } from 'jose';
import { aUser, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { testTokenIssuer } from '../../testing/test-token-issuer';
import { StartSession } from './start-session.use-case';

describe('StartSession', () => {
  it('issues a token for the user registered with the phone number', async () => {
    const users = new InMemoryUsers();
    const asha = users.add(aUser({ phone: '+919876500001' }));

    const result = await new StartSession(users, testTokenIssuer()).execute({ phone: '+919876500001' });

    if (!result.ok) throw new Error('expected a session');
    expect(result.userId).toBe(asha.id);
    expect(decodeJwt(result.token.accessToken).sub).toBe(asha.id);
  });

  it('answers user-not-found for an unknown number', async () => {
    const result = await new StartSession(new InMemoryUsers(), testTokenIssuer()).execute({ phone: '+919876500009' });
    expect(result).toEqual({ ok: false, code: 'user-not-found' });
  });
});
