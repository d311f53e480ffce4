import { INTERNAL_OPERATIONS, PROBLEM_CODES, SmsNumberAnswer } from '@kirim/contracts';
import type { InternalHttpClient } from '@kirim/platform';

/** A user's phone number as identity answers it, at the moment of sending. */
export type SmsNumberLookup =
  | { readonly kind: 'found'; readonly phone: string }
  /** identity knows no number for the user (a user it does not have): no attempt can succeed. */
  | { readonly kind: 'none' }
  /** No answer to go by (identity unreachable, 5xx, a refusal that is a wiring fault): worth trying again. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Where the SMS channel gets a recipient's number (a port; identity's get-sms-number in the app, a fake in unit tests). */
export abstract class SmsNumbers {
  abstract numberOf(userId: string): Promise<SmsNumberLookup>;
}

/**
 * identity's internal get-sms-number, asked with notifications' own service token. notifications
 * keeps no phone number: it asks for each attempt, so a number changed at identity is the one used.
 * InternalHttpClient logs the operation and status only, never the number.
 */
export class IdentitySmsNumbers extends SmsNumbers {
  constructor(
    private readonly client: Pick<InternalHttpClient, 'call'>,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async numberOf(userId: string): Promise<SmsNumberLookup> {
    const answer = await this.client.call(INTERNAL_OPERATIONS.GET_SMS_NUMBER, { params: { userId }, timeoutMs: this.timeoutMs }, SmsNumberAnswer);
    if (answer.ok) return { kind: 'found', phone: answer.value.phone };
    // Only identity's user-not-found is its word that there is no such user; any other 404 (a route
    // missing on a replica mid-rollout, a wrong IDENTITY_URL, answered as plain not-found) is retried.
    if (answer.kind === 'refused' && answer.status === 404 && answer.problem.code === PROBLEM_CODES.USER_NOT_FOUND) return { kind: 'none' };
    return { kind: 'unavailable', reason: answer.kind === 'refused' ? `identity answered ${answer.status}` : answer.reason };
  }
}
