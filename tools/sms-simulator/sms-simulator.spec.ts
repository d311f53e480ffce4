import { Webhook } from 'standardwebhooks';
import { SmsSimulator } from './sms-simulator';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const VIRTUAL = '+919000000000';
const PHONE = '+919876500001';

interface Call {
  readonly headers: Record<string, string>;
  readonly body: string;
}

function fakeFetch(statuses: (number | 'network')[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchFn = (async (_url: unknown, init?: RequestInit) => {
    calls.push({ headers: init?.headers as Record<string, string>, body: String(init?.body) });
    const status = statuses.shift() ?? 500;
    if (status === 'network') throw new TypeError('fetch failed');
    return new Response(status === 204 ? null : JSON.stringify({ code: 'x' }), { status, headers: { 'content-type': 'application/problem+json' } });
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

function simulator(statuses: (number | 'network')[], delays = [1, 1, 1]) {
  const { fetch, calls } = fakeFetch(statuses);
  const sleeps: number[] = [];
  const sim = new SmsSimulator({
    webhookUrl: 'http://identity.test/v1/webhooks/sms/inbound',
    webhookSecret: SECRET,
    virtualNumber: VIRTUAL,
    retryDelaysMs: delays,
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { sim, calls, sleeps };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SmsSimulator', () => {
  it('delivers an SMS to the virtual number as a Standard Webhooks call identity can verify', async () => {
    const { sim, calls } = simulator([204]);

    const result = await sim.send({ from: PHONE, to: VIRTUAL, text: 'token' });

    if (!result.ok) throw new Error(result.errors.join());
    expect(result.sms).toMatchObject({ status: 'delivered', attempts: 1 });
    const payload = new Webhook(SECRET).verify(calls[0].body, calls[0].headers) as { type: string; data: Record<string, string> };
    expect(payload.type).toBe('sms.received');
    expect(payload.data).toMatchObject({ from: PHONE, to: VIRTUAL, text: 'token', messageId: result.sms.messageId });
    expect(calls[0].headers['webhook-id']).toBe(result.sms.webhookId);
  });

  it('retries after a 5xx or a network failure with the same webhook-id, then delivers', async () => {
    const { sim, calls, sleeps } = simulator([503, 'network', 204]);

    const result = await sim.send({ from: PHONE, to: VIRTUAL, text: 'token' });
    for (let i = 0; i < 10; i += 1) await flush();

    if (!result.ok) throw new Error('refused');
    expect(sim.get(result.sms.messageId)).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(new Set(calls.map((call) => call.headers['webhook-id'])).size).toBe(1);
    expect(sleeps).toEqual([1, 1]);
  });

  it('stops at a 4xx refusal: retrying cannot change the answer', async () => {
    const { sim, calls } = simulator([422]);

    const result = await sim.send({ from: PHONE, to: VIRTUAL, text: 'token' });
    await flush();

    expect(result.ok && result.sms).toMatchObject({ status: 'refused', attempts: 1, lastResponse: { status: 422, code: 'x' } });
    expect(calls).toHaveLength(1);
  });

  it('gives up after the configured attempts', async () => {
    const { sim, calls } = simulator([500, 500, 500], [1]);

    const result = await sim.send({ from: PHONE, to: VIRTUAL, text: 'token' });
    for (let i = 0; i < 10; i += 1) await flush();

    expect(result.ok && sim.get(result.sms.messageId)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(calls).toHaveLength(2);
  });

  it('does not deliver an SMS to another number, and refuses malformed input', async () => {
    const { sim, calls } = simulator([204]);

    expect(await sim.send({ from: PHONE, to: '+919111111111', text: 'hi' })).toMatchObject({ ok: true, sms: { status: 'undeliverable' } });
    expect(await sim.send({ from: '12345', to: VIRTUAL, text: 'hi' })).toEqual({ ok: false, errors: ['from must be an E.164 phone number'] });
    expect(calls).toHaveLength(0);
  });

  it('redelivers a message under the same webhook-id (a replay, as the provider would resend it)', async () => {
    const { sim, calls } = simulator([204, 409]);
    const result = await sim.send({ from: PHONE, to: VIRTUAL, text: 'token' });
    if (!result.ok) throw new Error('refused');

    const again = await sim.redeliver(result.sms.messageId);

    expect(again).toMatchObject({ attempts: 2, lastResponse: { status: 409 } });
    expect(calls[1].headers['webhook-id']).toBe(calls[0].headers['webhook-id']);
  });
});
