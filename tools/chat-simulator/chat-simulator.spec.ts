import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { CHAT_RECEIPT_EVENT_TYPE } from '@kirim/contracts';
import { ChatPlatformSimulator } from './chat-simulator';
import { createChatSimulatorServer } from './chat-simulator-server';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const USER = '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60';

function receiptBody(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: CHAT_RECEIPT_EVENT_TYPE,
    timestamp: new Date().toISOString(),
    data: {
      userId: USER,
      notificationId: '6f1d8f8e-6c1b-4c52-9d0e-2b3f4a5c6d7e',
      kind: 'payment.sent',
      paymentId: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
      locale: 'en-IN',
      title: 'Payment sent',
      body: 'You paid ₹500.00.',
      occurredAt: '2025-11-28T10:00:00.000Z',
      ...overrides,
    },
  });
}

function signed(body: string, id = 'dlv_1', secret = SECRET): Record<string, string> {
  const at = new Date();
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
}

describe('ChatPlatformSimulator', () => {
  it('keeps a verified receipt once per webhook-id, in the user thread', () => {
    const simulator = new ChatPlatformSimulator({ webhookSecret: SECRET });
    const body = receiptBody();
    expect(simulator.receive(signed(body), body)).toEqual({ ok: true, status: 204 });
    expect(simulator.receive(signed(body), body)).toEqual({ ok: true, status: 204 });
    const thread = simulator.receiptsOf(USER);
    expect(thread).toHaveLength(1);
    expect(thread[0]).toMatchObject({ webhookId: 'dlv_1', accepted: 2, receipt: { title: 'Payment sent', locale: 'en-IN' } });
  });

  it('refuses a forged, altered or unsigned call before reading it', () => {
    const simulator = new ChatPlatformSimulator({ webhookSecret: SECRET });
    const body = receiptBody();
    expect(simulator.receive(signed(body, 'dlv_1', OTHER_SECRET), body)).toMatchObject({ status: 401, code: 'webhook-signature-invalid' });
    expect(simulator.receive(signed(body), receiptBody({ body: 'You paid ₹5,000.00.' }))).toMatchObject({ status: 401 });
    expect(simulator.receive({}, body)).toMatchObject({ status: 401 });
    expect(simulator.receiptsOf(USER)).toEqual([]);
  });

  it('refuses a signed body that breaks the contract', () => {
    const simulator = new ChatPlatformSimulator({ webhookSecret: SECRET });
    const body = receiptBody({ userId: 'not-a-uuid' });
    expect(simulator.receive(signed(body), body)).toMatchObject({ status: 400, code: 'validation-failed', errors: [expect.stringContaining('data.userId')] });
  });

  it('fails the next verified calls on purpose, then keeps receiving', () => {
    const simulator = new ChatPlatformSimulator({ webhookSecret: SECRET });
    simulator.setFaults(503, 2);
    const body = receiptBody();
    // A forged call does not use up a fault.
    expect(simulator.receive(signed(body, 'dlv_1', OTHER_SECRET), body)).toMatchObject({ status: 401 });
    expect(simulator.receive(signed(body), body)).toMatchObject({ status: 503, code: 'simulated-failure' });
    expect(simulator.receive(signed(body), body)).toMatchObject({ status: 503 });
    expect(simulator.receive(signed(body), body)).toEqual({ ok: true, status: 204 });
    expect(simulator.state).toMatchObject({ refusedCalls: 2, receipts: 1, faults: { remaining: 0 } });
  });
});

describe('the chat simulator server', () => {
  it('answers the webhook, the thread and the faults over HTTP', async () => {
    const server = createChatSimulatorServer(new ChatPlatformSimulator({ webhookSecret: SECRET }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const body = receiptBody();
      expect((await fetch(`${base}/webhooks/kirim`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed(body) }, body })).status).toBe(204);
      const forged = await fetch(`${base}/webhooks/kirim`, { method: 'POST', headers: signed(body, 'dlv_2', OTHER_SECRET), body });
      expect(forged.status).toBe(401);
      expect(forged.headers.get('content-type')).toBe('application/problem+json');
      const thread = (await (await fetch(`${base}/v1/users/${USER}/receipts`)).json()) as { items: unknown[] };
      expect(thread.items).toHaveLength(1);
      expect((await fetch(`${base}/v1/faults`, { method: 'PUT', body: JSON.stringify({ status: 200, count: 1 }) })).status).toBe(400);
      expect(await (await fetch(`${base}/v1/faults`, { method: 'PUT', body: JSON.stringify({ status: 503, count: 3 }) })).json()).toEqual({ status: 503, remaining: 3 });
      expect((await fetch(`${base}/webhooks/kirim`, { method: 'POST', body: 'x'.repeat(70 * 1024) })).status).toBe(413);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
