import { aDevice, deviceBindingHarness } from '../../testing/device-binding-harness';

describe('ConfirmBindingBySms', () => {
  async function started() {
    const h = deviceBindingHarness();
    const device = await aDevice('+919876500001');
    const binding = await h.request.execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
    if (!binding.ok) throw new Error(binding.code);
    const snapshot = () => JSON.stringify({ bindings: [...h.bindings.rows.values()], webhooks: [...h.replays.webhooks] });
    return { h, device, binding, snapshot };
  }

  it('confirms the binding whose token the SMS carries when it comes from that phone', async () => {
    const { h, device, binding } = await started();

    const result = await h.confirm.execute({ webhookId: 'msg_1', sms: h.sms({ from: device.phone, text: ` ${binding.bindingToken}\n` }) });

    expect(result).toEqual({ ok: true, bindingId: binding.bindingId });
    expect(h.bindings.rows.get(binding.bindingId)).toMatchObject({ status: 'confirmed', confirmedAt: h.clock.now() });
  });

  it('refuses an SMS from another number (the SIM is the proof) and changes nothing', async () => {
    const { h, binding, snapshot } = await started();
    const before = snapshot();

    const result = await h.confirm.execute({ webhookId: 'msg_1', sms: h.sms({ from: '+919876599999', text: binding.bindingToken }) });

    expect(result).toEqual({ ok: false, code: 'sms-sender-mismatch' });
    expect(snapshot()).toBe(before);
  });

  it('refuses a replayed webhook-id, and a used token under a new id', async () => {
    const { h, device, binding } = await started();
    const sms = h.sms({ from: device.phone, text: binding.bindingToken });
    await h.confirm.execute({ webhookId: 'msg_1', sms });

    expect(await h.confirm.execute({ webhookId: 'msg_1', sms })).toEqual({ ok: false, code: 'webhook-replayed' });
    expect(await h.confirm.execute({ webhookId: 'msg_2', sms })).toEqual({ ok: false, code: 'binding-token-invalid' });
  });

  it('refuses an expired token and changes nothing', async () => {
    const { h, device, binding, snapshot } = await started();
    h.clock.current = new Date(binding.expiresAt.getTime());
    const before = snapshot();

    const result = await h.confirm.execute({ webhookId: 'msg_1', sms: h.sms({ from: device.phone, text: binding.bindingToken }) });

    expect(result).toEqual({ ok: false, code: 'binding-token-invalid' });
    expect(snapshot()).toBe(before);
  });

  it('refuses an unknown token, and an SMS to another number than the virtual one', async () => {
    const { h, device, binding } = await started();

    expect(await h.confirm.execute({ webhookId: 'msg_1', sms: h.sms({ from: device.phone, text: 'x'.repeat(43) }) })).toEqual({ ok: false, code: 'binding-token-invalid' });
    expect(await h.confirm.execute({ webhookId: 'msg_2', sms: h.sms({ from: device.phone, to: '+919111111111', text: binding.bindingToken }) })).toEqual({
      ok: false,
      code: 'binding-token-invalid',
    });
    expect(h.bindings.rows.get(binding.bindingId)?.status).toBe('pending');
  });
});
