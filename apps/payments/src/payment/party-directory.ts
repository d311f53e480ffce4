import type { ProblemCode, ResultCode } from '@kirim/contracts';
import { AccountAtBank } from './payment';

export interface PaymentParty extends AccountAtBank {
  readonly userId: string;
}

export interface PaymentParties {
  readonly payer: PaymentParty;
  readonly payee: PaymentParty & { readonly displayName: string };
}

/**
 * Why the parties could not be resolved:
 * - `refused`: identity answered with a problem we pass on (unknown payee, no linked account, ...);
 * - `unavailable`: identity could not be asked (down, slow, or answered something unreadable).
 */
export type PartyLookupFailure =
  | { readonly kind: 'refused'; readonly status: number; readonly code: ProblemCode; readonly detail: string; readonly resultCode?: ResultCode; readonly retryAfterSeconds?: number }
  | { readonly kind: 'unavailable'; readonly reason: string };

export type PartyLookupResult = { readonly ok: true; readonly parties: PaymentParties } | { readonly ok: false; readonly failure: PartyLookupFailure };

/** The payee as the payer named them: by phone number or by payment address (`handle@kirim`). */
export type PayeeIdentifier = { readonly phone: string; readonly address?: undefined } | { readonly address: string; readonly phone?: undefined };

/** Who pays whom, from which account to which: identity owns the answer (DESIGN: synchronous questions over HTTP). */
export abstract class PartyDirectory {
  /** `payerUserId` is the user payments authenticated; identity trusts payments' service token, not a user token. */
  abstract resolve(payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult>;
}
