import { decodeJwt } from 'jose';
import { aDevice, deviceBindingHarness } from '../../testing/device-binding-harness';

describe('RefreshSession', () => {
  async function boundDevice() {
    const h = deviceBindingHarness();
    const device = await aDevice();
    const session = await h.bound(device, 'Asha');
    return { h, device, session };
  }

  it('rotates the refresh token and issues a new access token for the same binding', async () => {
    const { h, device, session } = await boundDevice();
    h.clock.current = new Date(h.clock.now().getTime() + 60_000);

    const result = await h.refresh.execute({ refreshToken: session.refreshToken, proof: await h.refreshProof(device, session.bindingId, session.refreshToken) });

    if (!result.ok) throw new Error(result.code);
    expect(result.refreshToken).not.toBe(session.refreshToken);
    expect(decodeJwt(result.access.accessToken)).toMatchObject({ sub: session.userId, did: session.bindingId, dbt: decodeJwt(session.access.accessToken).dbt });
    expect([...h.refreshTokens.rows.values()].map((row) => row.status).sort()).toEqual(['active', 'rotated']);
  });

  it('treats a rotated token presented again as theft: the binding and all its tokens are revoked', async () => {
    const { h, device, session } = await boundDevice();
    const next = await h.refresh.execute({ refreshToken: session.refreshToken, proof: await h.refreshProof(device, session.bindingId, session.refreshToken) });
    if (!next.ok) throw new Error(next.code);

    const reuse = await h.refresh.execute({ refreshToken: session.refreshToken, proof: await h.refreshProof(device, session.bindingId, session.refreshToken) });

    expect(reuse).toEqual({ ok: false, code: 'refresh-token-reused', revokedBindingId: session.bindingId });
    expect(h.bindings.rows.get(session.bindingId)?.status).toBe('revoked');
    // The legitimate holder's newest token is dead too: nobody can tell thief from owner.
    expect(await h.refresh.execute({ refreshToken: next.refreshToken, proof: await h.refreshProof(device, session.bindingId, next.refreshToken) })).toEqual({
      ok: false,
      code: 'refresh-token-invalid',
    });
    expect((await h.revocations.execute({ after: null, limit: 10 })).revocations).toEqual([{ bindingId: session.bindingId, revokedAt: h.clock.now() }]);
  });

  it('needs a fresh proof by the device key for this very token; without it nothing changes', async () => {
    const { h, device, session } = await boundDevice();
    const other = await aDevice(device.phone);
    const before = JSON.stringify([...h.refreshTokens.rows.values()]);

    const byOtherKey = await h.refresh.execute({ refreshToken: session.refreshToken, proof: await h.refreshProof(other, session.bindingId, session.refreshToken) });
    const forOtherToken = await h.refresh.execute({ refreshToken: session.refreshToken, proof: await h.refreshProof(device, session.bindingId, 'krt_another') });

    expect([byOtherKey, forOtherToken]).toEqual([
      { ok: false, code: 'device-proof-invalid' },
      { ok: false, code: 'device-proof-invalid' },
    ]);
    expect(JSON.stringify([...h.refreshTokens.rows.values()])).toBe(before);
  });

  it('refuses an unknown or expired refresh token, and one of a revoked binding', async () => {
    const { h, device, session } = await boundDevice();

    expect(await h.refresh.execute({ refreshToken: 'krt_unknown', proof: await h.refreshProof(device, session.bindingId, 'krt_unknown') })).toEqual({ ok: false, code: 'refresh-token-invalid' });
    h.clock.current = new Date(h.clock.now().getTime() + 86_400_000);
    expect(await h.refresh.execute({ refreshToken: session.refreshToken, proof: await h.refreshProof(device, session.bindingId, session.refreshToken) })).toEqual({
      ok: false,
      code: 'refresh-token-invalid',
    });
  });
});
