import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
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
 * POST /v1/messages {from, to, text}: "send an SMS" (201, after the first delivery attempt);
 * GET /v1/messages/{id}: its delivery; POST /v1/messages/{id}/redeliver: the same webhook again;
 * GET /health/live and /health/ready.
 */
export function createSmsSimulatorServer(simulator: SmsSimulator): Server {
  return createServer((request, response) => {
    handle(simulator, request, response).catch(() => {
      if (!response.headersSent) problem(response, 500, 'internal-error', 'Unexpected error.');
    });
  });
}

async function handle(simulator: SmsSimulator, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://simulator').pathname;
  if (path === '/health/live' || path === '/health/ready') return send(response, 200, { status: 'ok' });
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
