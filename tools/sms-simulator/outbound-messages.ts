import { randomUUID, timingSafeEqual } from 'node:crypto';
import { E164_PATTERN } from '@kirim/contracts';

/*
 * A stand-in for an SMS provider's outbound API: kirim (notifications) sends receipts by SMS to users
 * without the app through it. Nothing leaves the machine: each message is kept, and anyone who asks
 * can read what was "sent" to a number. NEVER deploy this where real users are: it shows their
 * numbers and receipts to whoever reaches it.
 */

/** Three SMS segments of 160 characters: what notifications sends at most (docs/notifications.md). */
export const OUTBOUND_TEXT_MAX_LENGTH = 480;
export const OUTBOUND_REFERENCE_MAX_LENGTH = 100;
/** Keeps this many messages; a test tool, not a store. */
const MAX_KEPT_MESSAGES = 10_000;

export interface OutboundMessage {
  readonly messageId: string;
  readonly to: string;
  readonly text: string;
  /** The sender's id for the message (kirim: the delivery id): a second message with it is a copy. */
  readonly reference?: string;
  readonly acceptedAt: string;
}

export interface OutboundMessagesOptions {
  /** The API key senders present as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  readonly now?: () => Date;
}

export type AcceptResult =
  | { readonly ok: true; readonly message: OutboundMessage; /** A reference seen before: the first message, not sent again. */ readonly duplicate: boolean }
  | { readonly ok: false; readonly errors: string[] };

export class OutboundMessages {
  private readonly messages: OutboundMessage[] = [];
  private readonly byReference = new Map<string, OutboundMessage>();
  private readonly apiKey: Buffer;
  private readonly now: () => Date;

  constructor(options: OutboundMessagesOptions) {
    this.apiKey = Buffer.from(options.apiKey, 'utf8');
    this.now = options.now ?? (() => new Date());
  }

  /** Whether an Authorization header carries the API key (compared in constant time). */
  authorizes(authorization: string | undefined): boolean {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1], 'utf8');
    return given.length === this.apiKey.length && timingSafeEqual(given, this.apiKey);
  }

  /** "Sends" a message: kept for sentTo. A reference seen before answers the first message, as a provider drops a copy. */
  accept(input: { to?: unknown; text?: unknown; reference?: unknown }): AcceptResult {
    const errors: string[] = [];
    if (typeof input.to !== 'string' || !E164_PATTERN.test(input.to)) errors.push('to must be an E.164 phone number');
    if (typeof input.text !== 'string' || input.text.length < 1 || input.text.length > OUTBOUND_TEXT_MAX_LENGTH) errors.push(`text must be a string of 1 to ${OUTBOUND_TEXT_MAX_LENGTH} characters`);
    if (input.reference !== undefined && (typeof input.reference !== 'string' || input.reference.length < 1 || input.reference.length > OUTBOUND_REFERENCE_MAX_LENGTH)) {
      errors.push(`reference must be a string of 1 to ${OUTBOUND_REFERENCE_MAX_LENGTH} characters`);
    }
    if (errors.length > 0) return { ok: false, errors };
    const reference = input.reference as string | undefined;
    const seen = reference === undefined ? undefined : this.byReference.get(reference);
    if (seen) return { ok: true, message: seen, duplicate: true };
    const message: OutboundMessage = {
      messageId: `out_${randomUUID()}`,
      to: input.to as string,
      text: input.text as string,
      ...(reference !== undefined ? { reference } : {}),
      acceptedAt: this.now().toISOString(),
    };
    this.keep(message);
    return { ok: true, message, duplicate: false };
  }

  /** What was "sent" to a number, oldest first. */
  sentTo(to: string): OutboundMessage[] {
    return this.messages.filter((message) => message.to === to);
  }

  private keep(message: OutboundMessage): void {
    if (this.messages.length >= MAX_KEPT_MESSAGES) {
      const oldest = this.messages.shift();
      if (oldest?.reference !== undefined) this.byReference.delete(oldest.reference);
    }
    this.messages.push(message);
    if (message.reference !== undefined) this.byReference.set(message.reference, message);
  }
}
