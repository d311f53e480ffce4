import { EVENT_TYPES } from '@kirim/contracts';
import { aDevice, deviceBindingHarness } from '../../testing/device-binding-harness';

const presence = (h: ReturnType<typeof deviceBindingHarness>) =>
  h.transactions.published.filter((event) => event.type === EVENT_TYPES.USER_APP_PRESENCE_CHANGED).map((event) => ({ key: event.key, data: event.data }));

describe('SignOut', () => {
  it("revokes the caller's binding with its refresh tokens, in the feed, and announces that the user has no app left", async () => {
    const h = deviceBindingHarness();
    const device = await aDevice('+919876500001');
    const bound = await h.bound(device, 'Asha');
    const cursor = (await h.revocations.execute({ after: null, limit: 10 })).cursor;
    h.clock.current = new Date('2026-12-01T10:30:00.000Z');

    const result = await h.signOut.execute({ userId: bound.userId, bindingId: bound.bindingId });

    expect(result).toEqual({ ok: true, hasApp: false });
    expect(h.bindings.rows.get(bound.bindingId)).toMatchObject({ status: 'revoked', revokedAt: h.clock.now() });
    expect([...h.refreshTokens.rows.values()].map((row) => row.status)).toEqual(['revoked']);
    // Other services learn it from the feed, as for a device replaced by a newer one.
    expect((await h.revocations.execute({ after: cursor, limit: 10 })).revocations.map((entry) => entry.bindingId)).toEqual([bound.bindingId]);
    expect(presence(h).at(-1)).toEqual({ key: bound.userId, data: { userId: bound.userId, hasApp: false, changedAt: '2026-12-01T10:30:00.000Z' } });
    expect(JSON.stringify(h.transactions.published)).not.toContain('9876500001');
  });

  it('stops the refresh token of the signed-out device', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();
    const bound = await h.bound(device);
    await h.signOut.execute({ userId: bound.userId, bindingId: bound.bindingId });

    const refreshed = await h.refresh.execute({ refreshToken: bound.refreshToken, proof: await h.refreshProof(device, bound.bindingId, bound.refreshToken) });

    expect(refreshed).toEqual({ ok: false, code: 'refresh-token-invalid' });
  });

  it('refuses a second sign-out of the same binding, changing and announcing nothing', async () => {
    const h = deviceBindingHarness();
    const bound = await h.bound(await aDevice());
    await h.signOut.execute({ userId: bound.userId, bindingId: bound.bindingId });
    const [published, feed, rows] = [h.transactions.published.length, h.bindings.feed.length, new Map(h.bindings.rows)];

    expect(await h.signOut.execute({ userId: bound.userId, bindingId: bound.bindingId })).toEqual({ ok: false, code: 'binding-not-active' });
    expect(h.transactions.published).toHaveLength(published);
    expect(h.bindings.feed).toHaveLength(feed);
    expect(h.bindings.rows).toEqual(rows);
  });

  it("refuses to sign out another user's binding, or a user that does not exist", async () => {
    const h = deviceBindingHarness();
    const asha = await h.bound(await aDevice('+919876500001'));
    const ravi = await h.bound(await aDevice('+919876500002'));
    const published = h.transactions.published.length;

    expect(await h.signOut.execute({ userId: ravi.userId, bindingId: asha.bindingId })).toEqual({ ok: false, code: 'binding-not-active' });
    expect(await h.signOut.execute({ userId: '99999999-9999-4999-8999-999999999999', bindingId: asha.bindingId })).toEqual({ ok: false, code: 'binding-not-active' });
    expect(h.bindings.rows.get(asha.bindingId)?.status).toBe('active');
    expect(h.transactions.published).toHaveLength(published);
  });

  it('announces nothing while another device of the user is still bound', async () => {
    const h = deviceBindingHarness();
    const bound = await h.bound(await aDevice());
    // Binding revokes every other device, so two active ones are only a defensive case: made by hand.
    const binding = h.bindings.rows.get(bound.bindingId);
    if (!binding) throw new Error('no binding');
    h.bindings.rows.set('00000000-0000-4000-8000-0000000000b2', { ...binding, id: '00000000-0000-4000-8000-0000000000b2' });
    const published = h.transactions.published.length;

    expect(await h.signOut.execute({ userId: bound.userId, bindingId: bound.bindingId })).toEqual({ ok: true, hasApp: true });
    expect(h.bindings.rows.get(bound.bindingId)?.status).toBe('revoked');
    expect(h.transactions.published).toHaveLength(published);
  });

  it('announces bound, signed out and bound again in order, each changedAt later than the last even when the clock has not moved', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();
    const first = await h.bound(device);
    await h.signOut.execute({ userId: first.userId, bindingId: first.bindingId });
    const again = await h.bound(await aDevice(device.phone));

    expect(again.userId).toBe(first.userId);
    expect(presence(h).map(({ key, data }) => ({ key, ...(data as object) }))).toEqual([
      { key: first.userId, userId: first.userId, hasApp: true, changedAt: '2026-12-01T10:00:00.000Z' },
      { key: first.userId, userId: first.userId, hasApp: false, changedAt: '2026-12-01T10:00:00.001Z' },
      { key: first.userId, userId: first.userId, hasApp: true, changedAt: '2026-12-01T10:00:00.002Z' },
    ]);
  });
});
