import { Api } from './support/api';
import { sandboxAdminToken, sandboxAdminUrl } from './support/config';

/**
 * The sandbox administration API opens accounts with money in them, so it is not on the public edge
 * (docs/data-at-rest.md): through the edge it does not exist, even with the right token; on
 * bank-connector's own port it answers the token alone.
 */
describe('the sandbox administration API (e2e, running stack)', () => {
  const api = new Api();

  it.each(['/v1/sandbox/ledger/summary', '/v1/sandbox/accounts?mobile=%2B919800000001'])('is not reachable through the edge at %s, even with the admin token', async (path) => {
    const result = await fetch(`${api.baseUrl}${path}`, { headers: { 'x-sandbox-admin-token': sandboxAdminToken() } });
    expect(result.status).toBe(404);
    expect(await result.text()).not.toContain('totalMinorUnitsByCurrency');
  });

  it("answers on bank-connector's port with the token, and refuses without it or with a wrong one", async () => {
    expect(api.sandboxAdminBaseUrl).toBe(sandboxAdminUrl());
    await expect(api.ledgerSummary()).resolves.toMatchObject({ totalMinorUnitsByCurrency: expect.any(Object) });
    for (const headers of [{}, { 'x-sandbox-admin-token': 'x'.repeat(48) }] as Array<Record<string, string>>) {
      const refused = await fetch(`${sandboxAdminUrl()}/v1/sandbox/ledger/summary`, { headers });
      expect(refused.status).toBe(401);
    }
  });
});
