import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundMessages } from './outbound-messages';
import { SmsSimulator } from './sms-simulator';
import { createSmsSimulatorServer } from './sms-simulator-server';

const API_KEY = 'sk_local_0123456789abcdefghijklmnopqrstuv';
const PHONE = '+919876500001';
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

describe('the outbound API (POST and GET /v1/outbound-messages, over HTTP)', () => {
  let server: Server;
  let baseUrl: string;

  beforeEach(async () => {
    // The inbound side is not used here: its webhook is never called.
    const inbound = new SmsSimulator({ webhookUrl: 'http://identity.test/unused', webhookSecret: SECRET, virtualNumber: '+919000000000', retryDelaysMs: [] });
    const outbound = new OutboundMessages({ apiKey: API_KEY, now: () => new Date('2026-12-01T10:00:00.000Z') });
    server = createSmsSimulatorServer(inbound, outbound);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/outbound-messages`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function post(body: unknown, authorization: string | null = `Bearer ${API_KEY}`): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(baseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization !== null ? { authorization } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function sentTo(to: string, authorization: string | null = `Bearer ${API_KEY}`): Promise<{ status: number; body: { items?: Record<string, unknown>[] } }> {
    const response = await fetch(`${baseUrl}?to=${encodeURIComponent(to)}`, { headers: authorization !== null ? { authorization } : {} });
    return { status: response.status, body: (await response.json()) as { items?: Record<string, unknown>[] } };
  }

  it('accepts a message with the API key (202 with its id) and lists it for the number it was sent to', async () => {
    const accepted = await post({ to: PHONE, text: 'Payment received\nUPI transaction ID: KRM1', reference: 'delivery-1' });

    expect(accepted).toEqual({ status: 202, body: { messageId: expect.stringMatching(/^out_[0-9a-f-]{36}$/) } });
    expect(await sentTo(PHONE)).toEqual({
      status: 200,
      body: { items: [{ messageId: accepted.body['messageId'], to: PHONE, text: 'Payment received\nUPI transaction ID: KRM1', reference: 'delivery-1', acceptedAt: '2026-12-01T10:00:00.000Z' }] },
    });
    expect(await sentTo('+919876500002')).toEqual({ status: 200, body: { items: [] } });
    // What was sent holds numbers and receipts: nobody without the key reads it.
    expect((await sentTo(PHONE, null)).status).toBe(401);
    expect((await sentTo(PHONE, 'Bearer not-the-key-not-the-key-not-the-key')).status).toBe(401);
  });

  it('keeps one copy per reference: a retry gets the first message id and sends nothing again', async () => {
    const first = await post({ to: PHONE, text: 'one', reference: 'delivery-1' });
    const retry = await post({ to: PHONE, text: 'one', reference: 'delivery-1' });
    const other = await post({ to: PHONE, text: 'two', reference: 'delivery-2' });

    expect([first.status, retry.status, other.status]).toEqual([202, 202, 202]);
    expect(retry.body['messageId']).toBe(first.body['messageId']);
    expect(other.body['messageId']).not.toBe(first.body['messageId']);
    expect((await sentTo(PHONE)).body.items?.map((item) => item['text'])).toEqual(['one', 'two']);
  });

  it.each([
    ['no Authorization header', null],
    ['another key', `Bearer ${API_KEY.replace('sk_', 'xx_')}`],
    ['the key without Bearer', API_KEY],
  ])('refuses a message with %s (401) and sends nothing', async (_case, authorization) => {
    const refused = await post({ to: PHONE, text: 'hi', reference: 'r' }, authorization);

    expect(refused).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect((await sentTo(PHONE)).body.items).toEqual([]);
  });

  it.each([
    [{ to: '98765 00001', text: 'hi' }, ['to must be an E.164 phone number']],
    [{ to: PHONE, text: '' }, ['text must be a string of 1 to 480 characters']],
    [{ to: PHONE, text: 'x'.repeat(481) }, ['text must be a string of 1 to 480 characters']],
    [{ to: PHONE, text: 'hi', reference: 'r'.repeat(101) }, ['reference must be a string of 1 to 100 characters']],
    [{}, ['to must be an E.164 phone number', 'text must be a string of 1 to 480 characters']],
  ])('refuses %j (400) with what is wrong, and sends nothing', async (body, errors) => {
    expect(await post(body)).toMatchObject({ status: 400, body: { code: 'validation-failed', errors } });
    expect((await sentTo(PHONE)).body.items).toEqual([]);
  });

  it('takes a text of exactly 480 characters (three segments)', async () => {
    expect((await post({ to: PHONE, text: 'x'.repeat(480) })).status).toBe(202);
  });

  it('refuses a body that is not JSON, and a list without a valid number', async () => {
    expect(await post('not json')).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
    expect(await sentTo('12345')).toMatchObject({ status: 400, body: { errors: ['to must be an E.164 phone number'] } });
  });
});
