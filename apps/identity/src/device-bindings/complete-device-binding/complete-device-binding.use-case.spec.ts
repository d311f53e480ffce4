import { EVENT_TYPES } from '@kirim/contracts';
import { decodeJwt, generateKeyPair } from 'jose';
import { aDevice, deviceBindingHarness } from '../../testing/device-binding-harness';
import { hashSecret } from '../secret-generator';

describe('CompleteDeviceBinding', () => {
  it('creates the user on the first binding and issues tokens bound to the device', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();
    const started = await h.confirmedBinding(device);

    const result = await h.complete.execute({ bindingId: started.bindingId, proof: await h.proof(device, started.bindingId), displayName: 'Asha' });

    if (!result.ok) throw new Error(result.code);
    expect(result).toMatchObject({ userCreated: true, bindingId: started.bindingId, refreshExpiresIn: 86_400, revokedBindingIds: [] });
    expect(await h.users.findById(result.userId)).toMatchObject({ phone: device.phone, displayName: 'Asha' });
    expect(h.transactions.published).toEqual([
      { type: EVENT_TYPES.USER_REGISTERED, key: result.userId, data: { userId: result.userId, registeredAt: h.clock.now().toISOString() } },
      // The user has the app from their first device on; the phone number stays in identity.
      { type: EVENT_TYPES.USER_APP_PRESENCE_CHANGED, key: result.userId, data: { userId: result.userId, hasApp: true, changedAt: h.clock.now().toISOString() } },
    ]);
    const binding = h.bindings.rows.get(started.bindingId);
    expect(binding).toMatchObject({ status: 'active', userId: result.userId, boundAt: h.clock.now() });
    const claims = decodeJwt(result.access.accessToken);
    expect(claims).toMatchObject({
      sub: result.userId,
      did: started.bindingId,
      dbt: h.clock.now().getTime() / 1000,
      cnf: { jkt: binding?.deviceKeyThumbprint },
      aud: ['identity', 'payments', 'notifications'],
      exp: h.clock.now().getTime() / 1000 + 300,
    });
    // Only the refresh token's hash is kept.
    expect([...h.refreshTokens.rows.values()]).toEqual([expect.objectContaining({ tokenHash: hashSecret(result.refreshToken), status: 'active' })]);
    // Payable from the start: the default address from the phone number, primary.
    expect(await h.addresses.listByUser(result.userId)).toEqual([expect.objectContaining({ handle: '9876500001', isDefault: true, isPrimary: true })]);
  });

  it('binding a second device keeps the user and revokes the first device and its refresh token', async () => {
    const h = deviceBindingHarness();
    const first = await h.bound(await aDevice('+919876500001'), 'Asha');
    const second = await h.bound(await aDevice('+919876500001'));

    expect(second).toMatchObject({ userCreated: false, userId: first.userId, revokedBindingIds: [first.bindingId] });
    expect(h.bindings.rows.get(first.bindingId)?.status).toBe('revoked');
    expect([...h.refreshTokens.rows.values()].find((row) => row.bindingId === first.bindingId)?.status).toBe('revoked');
    expect(h.users.rows.size).toBe(1);
    // A second device adds no second default address.
    expect(await h.addresses.listByUser(first.userId)).toHaveLength(1);
    const feed = await h.revocations.execute({ after: null, limit: 10 });
    expect(feed.revocations.map((entry) => entry.bindingId)).toEqual([first.bindingId]);
    // Announced again (consumers keep the newest), later than the first though the clock has not moved.
    expect(h.transactions.published.filter((event) => event.type === EVENT_TYPES.USER_APP_PRESENCE_CHANGED).map((event) => event.data)).toEqual([
      { userId: first.userId, hasApp: true, changedAt: '2026-12-01T10:00:00.000Z' },
      { userId: first.userId, hasApp: true, changedAt: '2026-12-01T10:00:00.001Z' },
    ]);
  });

  it('refuses a proof by another key, for another purpose or binding, or replayed, and does not bind', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();
    const started = await h.confirmedBinding(device);
    const stranger = await generateKeyPair('ES256');

    const forged = await h.complete.execute({ bindingId: started.bindingId, proof: await h.proof(device, started.bindingId, undefined, {}, stranger.privateKey) });
    const wrongPurpose = await h.complete.execute({ bindingId: started.bindingId, proof: await h.proof(device, started.bindingId, 'refresh') });
    const otherBinding = await h.complete.execute({ bindingId: started.bindingId, proof: await h.proof(device, '00000000-0000-4000-8000-00000000ffff') });

    expect([forged, wrongPurpose, otherBinding]).toEqual([
      { ok: false, code: 'device-proof-invalid' },
      { ok: false, code: 'device-proof-invalid' },
      { ok: false, code: 'device-proof-invalid' },
    ]);
    expect(h.bindings.rows.get(started.bindingId)?.status).toBe('confirmed');
    expect(h.users.rows.size).toBe(0);
    expect(h.transactions.published).toEqual([]);

    const proof = await h.proof(device, started.bindingId);
    expect((await h.complete.execute({ bindingId: started.bindingId, proof })).ok).toBe(true);
    // Replayed once the binding is active: refused, the binding is no longer waiting for completion.
    expect(await h.complete.execute({ bindingId: started.bindingId, proof })).toEqual({ ok: false, code: 'device-binding-not-confirmed' });
    expect(h.refreshTokens.rows.size).toBe(1);
  });

  it('refuses a binding not confirmed by SMS, or expired', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();
    const pending = await h.request.execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
    if (!pending.ok) throw new Error(pending.code);

    expect(await h.complete.execute({ bindingId: pending.bindingId, proof: await h.proof(device, pending.bindingId) })).toEqual({ ok: false, code: 'device-binding-not-confirmed' });

    const confirmed = await h.confirmedBinding(device);
    h.clock.current = new Date(confirmed.expiresAt.getTime() + 1000);
    expect(await h.complete.execute({ bindingId: confirmed.bindingId, proof: await h.proof(device, confirmed.bindingId) })).toEqual({ ok: false, code: 'device-binding-not-confirmed' });
    expect(h.users.rows.size).toBe(0);
  });

  it('limits completion attempts per binding', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();
    const started = await h.confirmedBinding(device);
    const stranger = await generateKeyPair('ES256');

    for (let i = 0; i < 5; i += 1) await h.complete.execute({ bindingId: started.bindingId, proof: await h.proof(device, started.bindingId, undefined, {}, stranger.privateKey) });
    const sixth = await h.complete.execute({ bindingId: started.bindingId, proof: await h.proof(device, started.bindingId) });

    expect(sixth).toMatchObject({ ok: false, code: 'rate-limited', retryAfterSeconds: expect.any(Number) });
    expect(h.bindings.rows.get(started.bindingId)?.status).toBe('confirmed');
  });
});
