import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { E164_PATTERN } from '@kirim/contracts';
import type { OutboundMessages } from './outbound-messages';
import type { SimulatedSms, SmsSimulator } from './sms-simulator';

const MAX_BODY_BYTES = 16 * 1024;
const MESSAGE_PATH = /^\/v1\/messages\/(sms_[0-9a-f-]{36})(\/redeliver)?$/;

/** What a caller sees of a message: never the numbers or the text (they are the caller's own anyway). */
function view(sms: SimulatedSms): Record<string, unknown> {
  return { messageId: sms.messageId, webhookId: sms.webhookId, status: sms.status, attempts: sms.attempts, lastResponse: sms.lastResponse };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const problem = status >= 400;
  response.writeHead(status, { 'content-type': problem ? 'application/problem+json' : 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function problem(response: ServerResponse, status: number, code: string, detail: string, errors?: string[]): void {
  send(response, status, { type: `https://kirim.dev/problems/${code}`, title: detail, status, detail, code, ...(errors ? { errors } : {}) });
}

async function readJson(request: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; status: number; detail: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, detail: `The body is larger than ${MAX_BODY_BYTES} bytes.` };
    chunks.push(buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400, detail: 'The body is not JSON.' };
  }
}

/**
 * Inbound (a phone sends an SMS to the platform's number): POST /v1/messages {from, to, text}: "send
 * an SMS" (201, after the first delivery attempt); GET /v1/messages/{id}: its delivery;
 * POST /v1/messages/{id}/redeliver: the same webhook again.
 * Outbound (the platform sends an SMS to a phone): POST /v1/outbound-messages {to, text, reference}
 * with the API key (202 {messageId}); GET /v1/outbound-messages?to=<E.164> with the key: what was sent to a number.
 * GET /health/live and /health/ready.
 */
export function createSmsSimulatorServer(simulator: SmsSimulator, outbound: OutboundMessages): Server {
  return createServer((request, response) => {
    handle(simulator, outbound, request, response).catch(() => {
      if (!response.headersSent) problem(response, 500, 'internal-error', 'Unexpected error.');
    });
  });
}

async function handle(simulator: SmsSimulator, outbound: OutboundMessages, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  const path = url.pathname;
  if (path === '/health/live' || path === '/health/ready') return send(response, 200, { status: 'ok' });
  if (path === '/v1/outbound-messages') return handleOutbound(outbound, url, request, response);
  if (path === '/v1/messages') {
    if (request.method !== 'POST') return problem(response, 405, 'not-found', 'Only POST is allowed here.');
    const body = await readJson(request);
    if (!body.ok) return problem(response, body.status, body.status === 413 ? 'payload-too-large' : 'validation-failed', body.detail);
    const input = typeof body.value === 'object' && body.value !== null ? (body.value as Record<string, unknown>) : {};
    const result = await simulator.send({ from: input['from'], to: input['to'], text: input['text'] });
    if (!result.ok) return problem(response, 400, 'validation-failed', 'The message is not valid.', result.errors);
    return send(response, 201, view(result.sms));
  }
  const match = MESSAGE_PATH.exec(path);
  if (!match) return problem(response, 404, 'not-found', 'Nothing here.');
  const [, messageId, redeliver] = match;
  if (redeliver) {
    if (request.method !== 'POST') return problem(response, 405, 'not-found', 'Only POST is allowed here.');
    const sms = await simulator.redeliver(messageId);
    return sms ? send(response, 200, view(sms)) : problem(response, 404, 'not-found', 'No such message.');
  }
  if (request.method !== 'GET') return problem(response, 405, 'not-found', 'Only GET is allowed here.');
  const sms = simulator.get(messageId);
  return sms ? send(response, 200, view(sms)) : problem(response, 404, 'not-found', 'No such message.');
}

/**
 * The provider's outbound API. Both sending and reading what was sent need the API key (401
 * without it, before a body is read): the messages hold phone numbers and receipts.
 */
async function handleOutbound(outbound: OutboundMessages, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'POST') return problem(response, 405, 'not-found', 'Only GET and POST are allowed here.');
  if (!outbound.authorizes(request.headers.authorization)) {
    request.resume();
    return problem(response, 401, 'unauthenticated', 'A valid API key is required (Authorization: Bearer <key>).');
  }
  if (request.method === 'GET') {
    const to = url.searchParams.get('to') ?? '';
    if (!E164_PATTERN.test(to)) return problem(response, 400, 'validation-failed', 'The query is not valid.', ['to must be an E.164 phone number']);
    return send(response, 200, { items: outbound.sentTo(to) });
  }
  const body = await readJson(request);
  if (!body.ok) return problem(response, body.status, body.status === 413 ? 'payload-too-large' : 'validation-failed', body.detail);
  const input = typeof body.value === 'object' && body.value !== null ? (body.value as Record<string, unknown>) : {};
  const result = outbound.accept({ to: input['to'], text: input['text'], reference: input['reference'] });
  if (!result.ok) return problem(response, 400, 'validation-failed', 'The message is not valid.', result.errors);
  return send(response, 202, { messageId: result.message.messageId });
}
