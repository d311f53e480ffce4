import { ServicePrincipal } from '@kirim/contracts';
import { ConfiguredServiceClients, parseServiceClientDigests, serviceSecretDigest } from '../service-clients';
import { MintedServiceToken, ServiceTokenMinter } from '../service-token-minter';
import { IssueServiceToken } from './issue-service-token.use-case';

const PAYMENTS_SECRET = 'p'.repeat(43);

class RecordingMinter extends ServiceTokenMinter {
  readonly minted: [ServicePrincipal, ServicePrincipal][] = [];
  async mint(client: ServicePrincipal, audience: ServicePrincipal): Promise<MintedServiceToken> {
    this.minted.push([client, audience]);
    return { accessToken: `token-for-${client}-to-${audience}`, expiresIn: 300 };
  }
}

describe('IssueServiceToken', () => {
  let minter: RecordingMinter;
  let issue: IssueServiceToken;

  beforeEach(() => {
    const parsed = parseServiceClientDigests(`payments:${serviceSecretDigest(PAYMENTS_SECRET).toString('hex')}`);
    if (!parsed.ok) throw new Error(parsed.reason);
    minter = new RecordingMinter();
    issue = new IssueServiceToken(new ConfiguredServiceClients(parsed.digests), minter);
  });

  it('issues a token to a service with its own secret, for a service it is declared to call', async () => {
    await expect(issue.execute({ clientId: 'payments', clientSecret: PAYMENTS_SECRET, audience: 'identity' })).resolves.toEqual({
      ok: true,
      token: { accessToken: 'token-for-payments-to-identity', expiresIn: 300 },
    });
  });

  it('refuses a wrong secret and an unknown client alike, minting nothing', async () => {
    await expect(issue.execute({ clientId: 'payments', clientSecret: 'x'.repeat(43), audience: 'identity' })).resolves.toEqual({ ok: false, reason: 'invalid-client' });
    await expect(issue.execute({ clientId: 'notifications', clientSecret: PAYMENTS_SECRET, audience: 'identity' })).resolves.toEqual({ ok: false, reason: 'invalid-client' });
    expect(minter.minted).toEqual([]);
  });

  it('accepts the old and the new secret while a rotation is under way', async () => {
    const next = 'n'.repeat(43);
    const parsed = parseServiceClientDigests(`payments:${serviceSecretDigest(PAYMENTS_SECRET).toString('hex')},payments:${serviceSecretDigest(next).toString('hex')}`);
    if (!parsed.ok) throw new Error(parsed.reason);
    const rotating = new IssueServiceToken(new ConfiguredServiceClients(parsed.digests), minter);
    await expect(rotating.execute({ clientId: 'payments', clientSecret: PAYMENTS_SECRET, audience: 'identity' })).resolves.toMatchObject({ ok: true });
    await expect(rotating.execute({ clientId: 'payments', clientSecret: next, audience: 'identity' })).resolves.toMatchObject({ ok: true });
  });

  it('refuses an audience the service calls nothing on', async () => {
    // payments calls identity and bank-connector (libs/contracts service-calls.ts), never notifications.
    await expect(issue.execute({ clientId: 'payments', clientSecret: PAYMENTS_SECRET, audience: 'notifications' })).resolves.toEqual({ ok: false, reason: 'audience-not-allowed' });
    expect(minter.minted).toEqual([]);
  });
});

describe('parseServiceClientDigests', () => {
  const digest = 'a'.repeat(64);

  it('reads name:digest pairs', () => {
    const parsed = parseServiceClientDigests(` payments:${digest}, notifications:${'b'.repeat(64)} `);
    expect(parsed.ok && [...parsed.digests.keys()]).toEqual(['payments', 'notifications']);
  });

  it.each([
    [`payments:${digest.slice(1)}`, 'comma-separated list'],
    [`mallory:${digest}`, 'mallory, which is not a kirim service'],
    [`payments:${digest},payments:${digest},payments:${digest}`, 'payments more than twice'],
  ])('refuses %s', (value, reason) => {
    const parsed = parseServiceClientDigests(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});
