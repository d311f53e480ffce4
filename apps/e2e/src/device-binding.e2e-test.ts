import { randomUUID } from 'node:crypto';
import { DEVICE_PROOF_PURPOSES, SMS_RECEIVED_EVENT_TYPE } from '@kirim/contracts';
import { eventually, uniquePhone } from '@kirim/testing';
import { decodeJwt } from 'jose';
import { Webhook } from 'standardwebhooks';
import { Api, DeviceBindingStarted, DeviceSession, expectStatus, Problem, SessionTokens } from './support/api';
import { smsSimulatorUrl, smsWebhookSecret } from './support/config';
import { deviceProof, newDevice } from './support/device';
import { PROBLEM_CONTENT_TYPE } from './support/parties';

/*
 * Signing in as a UPI app does (docs/device-binding.md), through the edge and the SMS simulator as a
 * real client and provider would: bind, SMS, prove the key, refresh; and the attacks on each step.
 */
describe('device binding', () => {
  const api = new Api();

  /** Sends the SMS provider's webhook ourselves (the attacks the simulator would never make). */
  async function postWebhook(body: string, headers: Record<string, string>) {
    return fetch(`${api.baseUrl}/v1/webhooks/sms/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  function signedWebhook(secret: string, data: { from: string; to: string; text: string }, webhookId = `msg_${randomUUID()}`, at = new Date()) {
    const body = JSON.stringify({ type: SMS_RECEIVED_EVENT_TYPE, timestamp: at.toISOString(), data: { messageId: randomUUID(), receivedAt: at.toISOString(), ...data } });
    const signature = new Webhook(secret).sign(webhookId, at, body);
    return { body, headers: { 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature } };
  }

  async function startBinding(phone = uniquePhone()) {
    const device = await newDevice(phone);
    const started = expectStatus<DeviceBindingStarted>(await api.startDeviceBinding(device), 201).body;
    return { phone, device, started };
  }

  /** Whether the binding can still be completed, i.e. the attack changed nothing: a proof completes it. */
  async function stillPendingConfirmation(device: Awaited<ReturnType<typeof newDevice>>, started: DeviceBindingStarted): Promise<void> {
    const completion = await api.completeDeviceBinding(device, started.bindingId);
    expect(completion.status).toBe(409);
    expect((completion.body as Problem).code).toBe('device-binding-not-confirmed');
  }

  it('binds a device: SMS from the SIM, proof by the device key, then tokens that work across the services', async () => {
    const { phone, device, started } = await startBinding();
    expect(started.bindingToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(started.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const sms = await api.sendSms(phone, started.smsTo, started.bindingToken);
    expect(sms).toMatchObject({ status: 'delivered', attempts: 1, lastResponse: { status: 204 } });

    const tokens = expectStatus<SessionTokens>(await api.completeDeviceBinding(device, started.bindingId, 'Asha'), 200).body;
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, userCreated: true, bindingId: started.bindingId });
    const claims = decodeJwt(tokens.accessToken);
    expect(claims).toMatchObject({ sub: tokens.userId, did: started.bindingId, aud: ['identity', 'payments', 'notifications'], cnf: { jkt: expect.any(String) } });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
    expect(claims.jti).toEqual(expect.any(String));

    const me = await api.request<{ userId: string; displayName: string }>('GET', '/v1/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: tokens.userId, displayName: 'Asha' });
    expect((await api.request('GET', '/v1/me/notifications', { token: tokens.accessToken })).status).toBe(200);
  });

  it('refuses a webhook with a bad signature, a stale timestamp or no signature, and nothing changes', async () => {
    const { phone, device, started } = await startBinding();
    const data = { from: phone, to: started.smsTo, text: started.bindingToken };
    const forged = signedWebhook(`whsec_${Buffer.alloc(32, 9).toString('base64')}`, data);
    const stale = signedWebhook(smsWebhookSecret(), data, undefined, new Date(Date.now() - 10 * 60_000));

    for (const attempt of [forged, stale, { body: forged.body, headers: {} }]) {
      const response = await postWebhook(attempt.body, attempt.headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_CONTENT_TYPE);
      expect(((await response.json()) as Problem).code).toBe('webhook-signature-invalid');
    }
    await stillPendingConfirmation(device, started);
  });

  it('refuses an SMS from another number than the one being bound (the SIM is the proof), and nothing changes', async () => {
    const { device, started } = await startBinding();

    const sms = await api.sendSms(uniquePhone(), started.smsTo, started.bindingToken);

    expect(sms).toMatchObject({ status: 'refused', lastResponse: { status: 422, code: 'sms-sender-mismatch' } });
    await stillPendingConfirmation(device, started);
  });

  it('refuses a replayed webhook-id and a used token', async () => {
    const { phone, device, started } = await startBinding();
    const sms = await api.sendSms(phone, started.smsTo, started.bindingToken);
    expect(sms.status).toBe('delivered');

    const replay = await fetch(`${smsSimulatorUrl()}/v1/messages/${sms.messageId}/redeliver`, { method: 'POST' });
    expect(await replay.json()).toMatchObject({ lastResponse: { status: 409, code: 'webhook-replayed' } });

    const again = await api.sendSms(phone, started.smsTo, started.bindingToken);
    expect(again).toMatchObject({ status: 'refused', lastResponse: { status: 422, code: 'binding-token-invalid' } });

    // Both refusals left the binding confirmed once: it completes normally.
    expectStatus<SessionTokens>(await api.completeDeviceBinding(device, started.bindingId), 200);
  });

  it('refuses an unknown token and a completion proof by another key', async () => {
    const { phone, device, started } = await startBinding();
    expect(await api.sendSms(phone, started.smsTo, 'A'.repeat(43))).toMatchObject({ status: 'refused', lastResponse: { status: 422, code: 'binding-token-invalid' } });
    expect((await api.sendSms(phone, started.smsTo, started.bindingToken)).status).toBe('delivered');

    const stranger = await newDevice(phone);
    const forged = await api.completeDeviceBinding(device, started.bindingId, undefined, await deviceProof(stranger, started.bindingId, DEVICE_PROOF_PURPOSES.COMPLETE_BINDING));

    expect(forged.status).toBe(401);
    expect((forged.body as Problem).code).toBe('device-proof-invalid');
    expectStatus<SessionTokens>(await api.completeDeviceBinding(device, started.bindingId), 200);
  });

  it('rotates refresh tokens; a rotated one presented again revokes the device', async () => {
    const session = await api.bindDevice(uniquePhone(), 'Ravi');
    const refreshed = await api.refresh(session);
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
    expect((await api.me(refreshed)).status).toBe(200);

    const reuse = await api.refreshTokens(session, session.refreshToken);
    expect(reuse.status).toBe(401);
    expect((reuse.body as Problem).code).toBe('refresh-token-invalid');

    // The binding is gone: the newest refresh token and the access tokens stop working.
    expect((await api.refreshTokens(refreshed)).status).toBe(401);
    expect((await api.me(refreshed)).status).toBe(401);
    await eventually(async () => expect((await api.request('GET', '/v1/me/notifications', { token: refreshed.accessToken })).status).toBe(401));
  });

  it("binding a second device revokes the first device's refresh token at once and, within the bound, its access tokens everywhere", async () => {
    const phone = uniquePhone();
    const first: DeviceSession = await api.bindDevice(phone, 'Meera');
    expect((await api.request('GET', '/v1/me/notifications', { token: first.accessToken })).status).toBe(200);

    const second = await api.bindDevice(phone);
    expect(second.userId).toBe(first.userId);
    expect(second.userCreated).toBe(false);

    expect((await api.refreshTokens(first)).status).toBe(401);
    expect((await api.me(first)).status).toBe(401);
    // Other services learn it from identity's revocation feed (polled every 2 s; docs/device-binding.md).
    await eventually(async () => expect((await api.request('GET', '/v1/me/notifications', { token: first.accessToken })).status).toBe(401), { timeoutMs: 10_000 });
    expect((await api.request('GET', '/v1/me/notifications', { token: second.accessToken })).status).toBe(200);
    expect((await api.me(second)).status).toBe(200);
  });

  it('rate-limits bind requests per phone with 429 problem+json and Retry-After', async () => {
    const phone = uniquePhone();
    const statuses: number[] = [];
    let last = await api.startDeviceBinding(await newDevice(phone));
    statuses.push(last.status);
    for (let i = 0; i < 6 && last.status !== 429; i += 1) {
      last = await api.startDeviceBinding(await newDevice(phone));
      statuses.push(last.status);
    }

    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(last.status).toBe(429);
    expect(last.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    expect((last.body as Problem).code).toBe('rate-limited');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a bad device key and a bad phone number with 400 problem+json', async () => {
    const device = await newDevice(uniquePhone());
    const privateJwk = await api.request<Problem>('POST', '/v1/device-bindings', { body: { phone: device.phone, deviceId: device.deviceId, devicePublicKey: { ...device.publicJwk, d: 'AAAA' } } });
    const badPhone = await api.request<Problem>('POST', '/v1/device-bindings', { body: { phone: '98765', deviceId: device.deviceId, devicePublicKey: device.publicJwk } });

    expect([privateJwk.status, badPhone.status]).toEqual([400, 400]);
    expect([privateJwk.body.code, badPhone.body.code]).toEqual(['validation-failed', 'validation-failed']);
  });
});
