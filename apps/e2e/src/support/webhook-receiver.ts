import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One webhook the receiver kept: verified with the secret it holds, once per webhook-id. */
export interface ReceivedWebhook<T = unknown> {
  readonly webhookId: string;
  readonly signatures: number;
  readonly body: T;
}

/**
 * A merchant's webhook endpoint in the test process: a real HTTP server on 127.0.0.1 that does what
 * a merchant must, verifying each call's Standard Webhooks signature with the secret it was given
 * before reading it (401 otherwise) and keeping one copy per webhook-id. `hold()` makes it take
 * calls and not answer them until `release()`: a slow endpoint.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Calls whose signature did not verify with the secret held. */
  unverified = 0;
  /** Calls taken while holding, not answered yet. */
  held = 0;
  private secrets: string[] = [];
  private holding = false;
  private readonly waiting: Array<() => void> = [];
  private server?: Server;

  /** The secrets a call may verify with (the one registration answered; after a rotation, the new one). */
  trust(...secrets: string[]): void {
    this.secrets = secrets;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.waiting.splice(0)) answer();
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/kirim/webhooks`;
  }

  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  /** The bodies kept, of the types given (all when none). */
  bodies<T = { type: string; data: Record<string, unknown> }>(...types: string[]): T[] {
    return this.received.map((item) => item.body as T).filter((body) => types.length === 0 || types.includes((body as { type: string }).type));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const payload = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    const body = this.verified(payload, headers);
    if (body === undefined) {
      this.unverified += 1;
      response.writeHead(401).end();
      return;
    }
    if (this.holding) {
      this.held += 1;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.held -= 1;
    }
    const webhookId = headers['webhook-id'] ?? '';
    if (!this.received.some((item) => item.webhookId === webhookId)) {
      this.received.push({ webhookId, signatures: (headers['webhook-signature'] ?? '').split(' ').length, body });
    }
    response.writeHead(204).end();
  }

  private verified(payload: string, headers: Record<string, string>): unknown {
    for (const secret of this.secrets) {
      try {
        return new Webhook(secret).verify(payload, headers);
      } catch {
        // Try the next secret: during a rotation the merchant holds two.
      }
    }
    return undefined;
  }
}
