import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ChatPlatformSimulator } from './chat-simulator';

/** A receipt webhook is a few hundred bytes; a body this large is not one. */
const MAX_BODY_BYTES = 64 * 1024;
const RECEIPTS_PATH = /^\/v1\/users\/([0-9a-f-]{36})\/receipts$/;

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status);
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function problem(response: ServerResponse, status: number, code: string, detail: string, errors?: readonly string[]): void {
  send(response, status, { type: `https://kirim.dev/problems/${code}`, title: detail, status, detail, code, ...(errors ? { errors } : {}) });
}

async function readBody(request: IncomingMessage): Promise<{ ok: true; text: string } | { ok: false }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return { ok: false };
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? undefined : value;
}

/**
 * POST /webhooks/kirim: kirim's receipt webhook (204 once verified and kept); GET
 * /v1/users/{userId}/receipts: what that user's chat thread received; PUT /v1/faults {status,
 * count}: answer the next `count` verified calls with `status` (a platform that is down);
 * GET /v1/faults; GET /health/live and /health/ready.
 */
export function createChatSimulatorServer(simulator: ChatPlatformSimulator): Server {
  return createServer((request, response) => {
    handle(simulator, request, response).catch(() => {
      if (!response.headersSent) problem(response, 500, 'internal-error', 'Unexpected error.');
    });
  });
}

async function handle(simulator: ChatPlatformSimulator, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://simulator').pathname;
  if (path === '/health/live' || path === '/health/ready') return send(response, 200, { status: 'ok' });
  if (path === '/webhooks/kirim') {
    if (request.method !== 'POST') return problem(response, 405, 'method-not-allowed', 'Only POST is allowed here.');
    const body = await readBody(request);
    if (!body.ok) return problem(response, 413, 'payload-too-large', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    const answer = simulator.receive(
      { 'webhook-id': header(request, 'webhook-id'), 'webhook-timestamp': header(request, 'webhook-timestamp'), 'webhook-signature': header(request, 'webhook-signature') },
      body.text,
    );
    if (answer.ok) return send(response, 204);
    return problem(response, answer.status, answer.code, answer.detail, answer.errors);
  }
  if (path === '/v1/faults') {
    if (request.method === 'GET') return send(response, 200, simulator.state);
    if (request.method !== 'PUT') return problem(response, 405, 'method-not-allowed', 'Only GET and PUT are allowed here.');
    const body = await readBody(request);
    let input: { status?: unknown; count?: unknown } = {};
    try {
      input = body.ok ? (JSON.parse(body.text) as typeof input) : {};
    } catch {
      return problem(response, 400, 'validation-failed', 'The body is not JSON.');
    }
    const { status, count } = input;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599 || typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 10_000) {
      return problem(response, 400, 'validation-failed', 'status must be an integer from 400 to 599 and count an integer from 0 to 10000.');
    }
    return send(response, 200, simulator.setFaults(status, count));
  }
  const match = RECEIPTS_PATH.exec(path);
  if (!match) return problem(response, 404, 'not-found', 'Nothing here.');
  if (request.method !== 'GET') return problem(response, 405, 'method-not-allowed', 'Only GET is allowed here.');
  return send(response, 200, { items: simulator.receiptsOf(match[1]) });
}
