import { randomUUID } from 'node:crypto';
import { E164_PATTERN, SMS_RECEIVED_EVENT_TYPE, SmsReceivedWebhook } from '@kirim/contracts';
import { Webhook } from 'standardwebhooks';

/*
 * A stand-in for an SMS provider's inbound-number product (the platform rents a virtual number; the
 * provider calls the platform's webhook for every SMS that number receives). Tests and the local
 * stack "send an SMS from a phone" by asking this server; in production a real provider does the
 * same job, and the sender number comes from the mobile network, not from a request. NEVER deploy
 * this where real users are: whoever reaches it can claim any sender number.
 */

export type DeliveryStatus = 'pending' | 'delivered' | 'refused' | 'failed' | 'undeliverable';

export interface SimulatedSms {
  readonly messageId: string;
  readonly webhookId: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly receivedAt: string;
  status: DeliveryStatus;
  attempts: number;
  /** The webhook's last HTTP status (or null after a network failure), and its problem `code` if any. */
  lastResponse: { status: number | null; code?: string } | null;
}

export interface SmsSimulatorOptions {
  readonly webhookUrl: string;
  /** Standard Webhooks secret shared with identity ("whsec_..."). */
  readonly webhookSecret: string;
  /** The platform's virtual number: SMS to any other number is not the platform's to receive. */
  readonly virtualNumber: string;
  /** Delays between attempts; their count + 1 is the number of attempts. */
  readonly retryDelaysMs: readonly number[];
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (msg: string, fields: Record<string, unknown>) => void;
}

export type SendResult = { readonly ok: true; readonly sms: SimulatedSms } | { readonly ok: false; readonly errors: string[] };

/** Keeps this many messages for GET /v1/messages/{id}; a test tool, not a store. */
const MAX_KEPT_MESSAGES = 10_000;

export class SmsSimulator {
  private readonly messages = new Map<string, SimulatedSms>();
  private readonly webhook: Webhook;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SmsSimulatorOptions) {
    this.webhook = new Webhook(options.webhookSecret);
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * An SMS sent from `from` to `to`. Resolves after the first delivery attempt (so a test sees the
   * outcome at once in the usual case); later attempts run in the background, as a provider retries.
   */
  async send(input: { from?: unknown; to?: unknown; text?: unknown }): Promise<SendResult> {
    const errors: string[] = [];
    if (typeof input.from !== 'string' || !E164_PATTERN.test(input.from)) errors.push('from must be an E.164 phone number');
    if (typeof input.to !== 'string' || !E164_PATTERN.test(input.to)) errors.push('to must be an E.164 phone number');
    if (typeof input.text !== 'string' || input.text.length > 1600) errors.push('text must be a string of at most 1600 characters');
    if (errors.length > 0) return { ok: false, errors };
    const sms: SimulatedSms = {
      messageId: `sms_${randomUUID()}`,
      webhookId: `msg_${randomUUID()}`,
      from: input.from as string,
      to: input.to as string,
      text: input.text as string,
      receivedAt: this.now().toISOString(),
      status: 'pending',
      attempts: 0,
      lastResponse: null,
    };
    this.keep(sms);
    if (sms.to !== this.options.virtualNumber) {
      sms.status = 'undeliverable';
      return { ok: true, sms };
    }
    await this.deliver(sms, 0);
    return { ok: true, sms };
  }

  /** Sends a message's webhook again with the same webhook-id, as a provider's "resend" does. */
  async redeliver(messageId: string): Promise<SimulatedSms | null> {
    const sms = this.messages.get(messageId);
    if (!sms || sms.status === 'undeliverable') return sms ?? null;
    await this.attempt(sms);
    return sms;
  }

  get(messageId: string): SimulatedSms | null {
    return this.messages.get(messageId) ?? null;
  }

  private async deliver(sms: SimulatedSms, attemptIndex: number): Promise<void> {
    const final = await this.attempt(sms);
    if (final) return;
    const delay = this.options.retryDelaysMs[attemptIndex];
    if (delay === undefined) {
      sms.status = 'failed';
      this.options.log?.('delivery gave up', { messageId: sms.messageId, attempts: sms.attempts });
      return;
    }
    // Retries run in the background: the sender's request has long been answered.
    void this.sleep(delay).then(() => this.deliver(sms, attemptIndex + 1));
  }

  /** One webhook call; true when the outcome is final (2xx delivered, 4xx refused: retrying cannot help). */
  private async attempt(sms: SimulatedSms): Promise<boolean> {
    sms.attempts += 1;
    const at = this.now();
    const body: SmsReceivedWebhook = {
      type: SMS_RECEIVED_EVENT_TYPE,
      timestamp: at.toISOString(),
      data: { messageId: sms.messageId, from: sms.from, to: sms.to, text: sms.text, receivedAt: sms.receivedAt },
    };
    const payload = JSON.stringify(body);
    // Each attempt is signed afresh (new timestamp) under the same webhook-id, as Standard Webhooks says.
    const signature = this.webhook.sign(sms.webhookId, at, payload);
    try {
      const response = await this.fetchFn(this.options.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': sms.webhookId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      const code = await problemCode(response);
      sms.lastResponse = { status: response.status, ...(code !== undefined ? { code } : {}) };
      if (response.ok) {
        sms.status = 'delivered';
        return true;
      }
      // 408 and 429 are worth retrying; other 4xx are a permanent refusal.
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        sms.status = 'refused';
        return true;
      }
      return false;
    } catch (error: unknown) {
      sms.lastResponse = { status: null };
      this.options.log?.('delivery attempt failed', { messageId: sms.messageId, error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }

  private keep(sms: SimulatedSms): void {
    if (this.messages.size >= MAX_KEPT_MESSAGES) {
      const oldest = this.messages.keys().next().value;
      if (oldest !== undefined) this.messages.delete(oldest);
    }
    this.messages.set(sms.messageId, sms);
  }
}

async function problemCode(response: Response): Promise<string | undefined> {
  const text = await response.text().catch(() => '');
  if (!/json/.test(response.headers.get('content-type') ?? '') || text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}
