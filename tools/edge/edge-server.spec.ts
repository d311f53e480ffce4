import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleEdgeRequest } from './edge-server';
import { edgeTestOptions } from './testing/edge-test-options';

/** What a handler wrote: enough of ServerResponse for the edge's own pages, without a socket. */
class RecordedResponse {
  status = 0;
  headers: Record<string, unknown> = {};
  body = '';
  headersSent = false;

  writeHead(status: number, headers: Record<string, unknown> = {}): this {
    this.status = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }

  end(body?: string): this {
    this.body = body ?? '';
    return this;
  }
}

function request(method: string, url: string): IncomingMessage {
  return { method, url, headers: {}, resume: jest.fn(), socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
}

const ASYNCAPI = 'asyncapi: 3.0.0\ninfo:\n  title: kirim Kafka contract\n';

const options = edgeTestOptions({ asyncApiDocument: ASYNCAPI });

function handle(method: string, url: string): RecordedResponse {
  const res = new RecordedResponse();
  handleEdgeRequest(request(method, url), res as unknown as ServerResponse, options);
  return res;
}

describe('the edge serves the Kafka contract', () => {
  it('answers GET /docs/asyncapi.yaml with the document as YAML', () => {
    const res = handle('GET', '/docs/asyncapi.yaml');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'application/yaml; charset=utf-8', 'content-length': Buffer.byteLength(ASYNCAPI) });
    expect(res.body).toBe(ASYNCAPI);
  });

  it('answers HEAD like GET (Node leaves the body out)', () => {
    const res = handle('HEAD', '/docs/asyncapi.yaml');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(Buffer.byteLength(ASYNCAPI));
  });

  it('refuses other methods with 405 and the allowed ones', () => {
    const res = handle('POST', '/docs/asyncapi.yaml');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
  });

  it('links it from the /docs index, next to every service', () => {
    const res = handle('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<a href="/docs/asyncapi.yaml">');
    for (const service of ['identity', 'payments', 'bank-connector', 'notifications']) expect(res.body).toContain(`<a href="/docs/${service}/">`);
  });

  it('still answers unknown docs with a problem', () => {
    const res = handle('GET', '/docs/asyncapi.json');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});
