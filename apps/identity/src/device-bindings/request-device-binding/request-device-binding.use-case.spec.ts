import { aDevice, deviceBindingHarness, VIRTUAL_NUMBER } from '../../testing/device-binding-harness';
import { hashSecret } from '../secret-generator';

describe('RequestDeviceBinding', () => {
  it('issues a one-time token to send to the virtual number, storing only its hash, pending for 10 minutes', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();

    const result = await h.request.execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });

    if (!result.ok) throw new Error(result.code);
    expect(result).toMatchObject({ smsTo: VIRTUAL_NUMBER, expiresAt: new Date('2026-12-01T10:10:00.000Z') });
    const stored = h.bindings.rows.get(result.bindingId);
    expect(stored).toMatchObject({ status: 'pending', phone: device.phone, tokenHash: hashSecret(result.bindingToken), deviceKey: device.publicJwk });
    expect(JSON.stringify([...h.bindings.rows.values()])).not.toContain(result.bindingToken);
    expect(stored?.deviceKeyThumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a key that carries its private part, or is not P-256', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();

    const withPrivate = await h.request.execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: { ...device.publicJwk, d: 'secret' } });
    const rsa = await h.request.execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: { kty: 'RSA', n: 'x', e: 'AQAB' } });
    const offCurve = await h.request.execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: { ...device.publicJwk, y: device.publicJwk.x } });

    expect(withPrivate).toMatchObject({ ok: false, code: 'device-key-invalid', reason: expect.stringContaining('"d"') });
    expect(rsa).toMatchObject({ ok: false, code: 'device-key-invalid' });
    expect(offCurve).toMatchObject({ ok: false, code: 'device-key-invalid' });
    expect(h.bindings.rows.size).toBe(0);
  });

  it('allows 5 requests per phone per hour, then says when to retry', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();
    h.clock.current = new Date('2026-12-01T10:45:00.000Z');

    const results = [];
    for (let i = 0; i < 6; i += 1) results.push(await h.request.execute({ phone: device.phone, deviceId: `${device.deviceId}-${i}`, devicePublicKey: device.publicJwk }));

    expect(results.slice(0, 5).every((r) => r.ok)).toBe(true);
    expect(results[5]).toEqual({ ok: false, code: 'rate-limited', retryAfterSeconds: 900 });
    expect(h.bindings.rows.size).toBe(5);
  });

  it('allows 10 requests per device per hour across phones', async () => {
    const h = deviceBindingHarness();
    const device = await aDevice();

    const results = [];
    for (let i = 0; i < 11; i += 1) results.push(await h.request.execute({ phone: `+91987650010${i % 10}`, deviceId: device.deviceId, devicePublicKey: device.publicJwk }));

    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results[10]).toMatchObject({ ok: false, code: 'rate-limited' });
  });
});
