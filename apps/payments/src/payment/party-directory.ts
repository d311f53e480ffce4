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
  | { readonly kind: 'refused'; readonly status: number; readonly code: ProblemCode; readonly detail: string; readonly resultCode?: ResultCode }
  | { readonly kind: 'unavailable'; readonly reason: string };

export type PartyLookupResult = { readonly ok: true; readonly parties: PaymentParties } | { readonly ok: false; readonly failure: PartyLookupFailure };

/** Who pays whom, from which account to which: identity owns the answer (DESIGN: synchronous questions over HTTP). */
export abstract class PartyDirectory {
  /** `bearerToken` is the caller's own token, forwarded so identity resolves the payer as that user. */
  abstract resolve(payeePhone: string, bearerToken: string): Promise<PartyLookupResult>;
}
