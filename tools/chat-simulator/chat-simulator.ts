import { CHAT_RECEIPT_EVENT_TYPE, ChatReceipt, ChatReceiptWebhook, validatePayload } from '@kirim/contracts';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/*
 * A stand-in for the messaging platform's side of kirim's chat receipts (docs/notifications.md):
 * the webhook notifications pushes each receipt to. It verifies every call as the platform must
 * (Standard Webhooks signature with the platform's secret, then the body's contract), keeps one copy
 * per `webhook-id` (deliveries are at least once), and lets tests read what each user's chat thread
 * received and make the endpoint fail for a while. For the local stack and tests only: its read API
 * shows every user's receipts to whoever asks.
 */

export interface ReceivedReceipt {
  readonly webhookId: string;
  readonly receivedAt: string;
  readonly receipt: ChatReceipt;
  /** Calls that carried this webhook-id and were accepted (a retry after a lost answer is a second). */
  accepted: number;
}

/** The answer to one webhook call. */
export type WebhookAnswer =
  | { readonly ok: true; readonly status: 204 }
  | {
      readonly ok: false;
      readonly status: number;
      readonly code: 'validation-failed' | 'webhook-signature-invalid' | 'simulated-failure';
      readonly detail: string;
      readonly errors?: readonly string[];
    };

/** What the endpoint does to the next calls: answer `status` to `remaining` of them, storing nothing. */
export interface Faults {
  readonly status: number;
  readonly remaining: number;
}

export interface ChatSimulatorOptions {
  /** The platform's Standard Webhooks secret ("whsec_..."), shared with notifications. */
  readonly webhookSecret: string;
  readonly now?: () => Date;
}

/** Keeps this many receipts; a test tool, not a store. */
const MAX_KEPT_RECEIPTS = 50_000;

export class ChatPlatformSimulator {
  private readonly webhook: Webhook;
  private readonly byWebhookId = new Map<string, ReceivedReceipt>();
  private readonly byUser = new Map<string, ReceivedReceipt[]>();
  private faults: Faults = { status: 503, remaining: 0 };
  private refusedCalls = 0;
  private readonly now: () => Date;

  constructor(options: ChatSimulatorOptions) {
    this.webhook = new Webhook(options.webhookSecret);
    this.now = options.now ?? (() => new Date());
  }

  /** One webhook call: the signature first (an unsigned body is never read), then the contract. */
  receive(headers: Readonly<Record<string, string | undefined>>, rawBody: string): WebhookAnswer {
    let verified: unknown;
    try {
      verified = this.webhook.verify(rawBody, {
        'webhook-id': headers['webhook-id'] ?? '',
        'webhook-timestamp': headers['webhook-timestamp'] ?? '',
        'webhook-signature': headers['webhook-signature'] ?? '',
      });
    } catch (error: unknown) {
      const detail = error instanceof WebhookVerificationError ? error.message : 'The webhook could not be verified.';
      return { ok: false, status: 401, code: 'webhook-signature-invalid', detail };
    }
    if (this.faults.remaining > 0) {
      this.faults = { ...this.faults, remaining: this.faults.remaining - 1 };
      this.refusedCalls += 1;
      return { ok: false, status: this.faults.status, code: 'simulated-failure', detail: `Failing on purpose (${this.faults.remaining} more).` };
    }
    const checked = validatePayload(ChatReceiptWebhook, verified);
    if (!checked.ok) return { ok: false, status: 400, code: 'validation-failed', detail: 'The receipt is not valid.', errors: checked.errors };
    if (checked.value.type !== CHAT_RECEIPT_EVENT_TYPE) return { ok: false, status: 400, code: 'validation-failed', detail: 'Unknown event type.' };

    const webhookId = headers['webhook-id'] as string;
    const known = this.byWebhookId.get(webhookId);
    if (known) {
      known.accepted += 1;
      return { ok: true, status: 204 };
    }
    const received: ReceivedReceipt = { webhookId, receivedAt: this.now().toISOString(), receipt: checked.value.data, accepted: 1 };
    this.byWebhookId.set(webhookId, received);
    const thread = this.byUser.get(received.receipt.userId) ?? [];
    thread.push(received);
    this.byUser.set(received.receipt.userId, thread);
    if (this.byWebhookId.size > MAX_KEPT_RECEIPTS) this.forgetOldest();
    return { ok: true, status: 204 };
  }

  /** What a user's chat thread received, oldest first. */
  receiptsOf(userId: string): readonly ReceivedReceipt[] {
    return this.byUser.get(userId) ?? [];
  }

  /** From now on, answer `status` to the next `count` verified calls (0 ends it). */
  setFaults(status: number, count: number): Faults {
    this.faults = { status, remaining: count };
    return this.faults;
  }

  get state(): { readonly faults: Faults; readonly refusedCalls: number; readonly receipts: number } {
    return { faults: this.faults, refusedCalls: this.refusedCalls, receipts: this.byWebhookId.size };
  }

  private forgetOldest(): void {
    const [oldestId, oldest] = this.byWebhookId.entries().next().value as [string, ReceivedReceipt];
    this.byWebhookId.delete(oldestId);
    const thread = this.byUser.get(oldest.receipt.userId) ?? [];
    thread.shift();
    if (thread.length === 0) this.byUser.delete(oldest.receipt.userId);
  }
}
