import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Money, MoneyDto, PROBLEM_CODES } from '@kirim/contracts';
import { Clock, IdGenerator } from '@kirim/platform';
import { SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { perPaymentCap } from '../../merchant/create-merchant-order/create-merchant-order.use-case';
import { Merchant } from '../../merchant/merchant';
import { PartyDirectory, PartyLookupFailure, PayeeIdentifier } from '../../payment/party-directory';
import { checkPaymentAmount } from '../../payment/initiate-payment/payment-request-rules';
import { CollectRequest } from '../collect-request';
import { CollectFailure, collectFailure } from '../collect-problems';
import { CollectRequestRepository } from '../collect-request.repository';

export interface CreateCollectRequestCommand {
  /** Who asks to be paid: a merchant (its API key), or a user asking another user (P2P collect, off by the profile). */
  readonly requester: { readonly kind: 'merchant'; readonly merchant: Merchant } | { readonly kind: 'user'; readonly userId: string };
  /** The merchant's own id for the request: unique per merchant. */
  readonly reference: string;
  /** The customer asked to pay, by phone number or kirim address; resolved to a user and never stored. */
  readonly customer: PayeeIdentifier;
  readonly amount: MoneyDto;
  readonly note: string | null;
  /** How long the customer may answer; the profile's default when absent. */
  readonly expiresInMinutes: number | null;
}

/** `created`: false when the same reference and body came before; this is that request. */
export type CreateCollectRequestOutcome = { readonly ok: true; readonly request: CollectRequest; readonly created: boolean } | CollectFailure;

/**
 * A merchant asks a customer to pay. The customer is resolved by identity as a payment's payee is,
 * and only a customer with a linked account can be asked (UPI refuses a collect to an address that
 * cannot pay: ZH, or XI-like here). The resolution is asked for the merchant's OWNER and so is paid
 * from the owner's anti-scan bucket, not the customer's: the merchant is the one looking people up
 * (a merchant key must not be a way to walk the directory faster than its owner could by hand), and a
 * merchant sending many requests must never lock a customer out of their own payments.
 *
 * The reference makes it idempotent: the same reference and body (the same customer, amount, note
 * and expiry) answer the first request; another body is refused (409).
 */
@Injectable()
export class CreateCollectRequestUseCase {
  constructor(
    private readonly requests: CollectRequestRepository,
    private readonly parties: PartyDirectory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
  ) {}

  async execute(command: CreateCollectRequestCommand): Promise<CreateCollectRequestOutcome> {
    if (command.requester.kind === 'user') {
      // The profile cannot turn P2P collect on in this version (its validation refuses to boot so).
      if (this.profile.collect.p2pEnabled) throw new Error('the scheme profile turns on P2P collect requests, which are not built');
      return collectFailure(
        'p2p-disabled',
        `Collect requests between people are off on the ${this.profile.name} scheme (NPCI stopped them on UPI in October 2025): only a merchant may ask a customer to pay. Send a payment instead.`,
      );
    }
    const { merchant } = command.requester;
    const checked = checkPaymentAmount(command.amount);
    if (!checked.ok) return collectFailure(checked.reason === 'invalid' ? 'invalid-request' : 'amount-out-of-range', checked.detail);
    const amount = checked.amount;
    if (amount.currency !== this.profile.currency) return collectFailure('invalid-request', `The ${this.profile.name} scheme profile pays in ${this.profile.currency} only.`);
    const { defaultMs, minMs, maxMs } = this.profile.collect.merchantExpiry;
    const expiryMs = command.expiresInMinutes === null ? defaultMs : command.expiresInMinutes * 60_000;
    if (expiryMs < minMs || expiryMs > maxMs) {
      return collectFailure('invalid-request', `expiresInMinutes must be between ${minMs / 60_000} and ${maxMs / 60_000}.`);
    }
    const cap = perPaymentCap(this.profile, merchant);
    if (cap === null) return collectFailure('merchant-unavailable', `Merchant category ${merchant.categoryCode} is no longer in the scheme profile.`);
    if (amount.minorUnits > cap) {
      return collectFailure('amount-out-of-range', `The amount exceeds the per-transaction limit of ${Money.ofMinor(cap, amount.currency).toString()} for this merchant's category.`);
    }

    const lookup = await this.parties.resolve(merchant.ownerUserId, command.customer);
    if (!lookup.ok) return customerRefusal(lookup.failure);
    const { payer: owner, payee: customer } = lookup.parties;
    if (owner.userId !== merchant.ownerUserId) throw new Error('identity resolved an owner other than the merchant owner asked for');

    const now = this.clock.now();
    const request: CollectRequest = {
      id: this.ids.uuid(),
      merchantId: merchant.id,
      reference: command.reference,
      requestFingerprint: collectRequestFingerprint({ payerUserId: customer.userId, amount, note: command.note, expiresInMinutes: command.expiresInMinutes }),
      payerUserId: customer.userId,
      amount,
      note: command.note,
      status: 'pending',
      resultCode: null,
      expiresAt: new Date(now.getTime() + expiryMs),
      orderId: null,
      paymentId: null,
      createdAt: now,
      decidedAt: null,
    };
    const stored = await this.requests.insert(request);
    if (stored.inserted) return { ok: true, request, created: true };
    // An earlier request (or a concurrent twin that won) holds the reference.
    if (stored.existing.requestFingerprint !== request.requestFingerprint) {
      return collectFailure('reference-reused', 'This merchant already made a collect request with this reference and another customer, amount, note or expiry.');
    }
    return { ok: true, request: stored.existing, created: false };
  }
}

/**
 * identity's refusal in the merchant's words. identity resolved the owner as payer and the customer
 * as payee, so its "payee" problems are about the customer and its "payer" ones about the owner.
 */
function customerRefusal(failure: PartyLookupFailure): CollectFailure {
  if (failure.kind === 'unavailable') return collectFailure('dependency-unavailable', 'The customer cannot be looked up right now; try again.');
  const passedOn = { ok: false as const, status: failure.status, code: failure.code, ...(failure.resultCode ? { resultCode: failure.resultCode } : {}) };
  if (failure.code === PROBLEM_CODES.PAYEE_NOT_FOUND) {
    return {
      ...passedOn,
      detail: failure.status === 404 ? 'No kirim user has this phone number or payment address.' : 'The customer has not linked a bank account, so cannot pay a collect request.',
    };
  }
  if (failure.code === PROBLEM_CODES.SELF_PAYMENT) return { ...passedOn, detail: 'A merchant cannot ask its own owner to pay.' };
  if (failure.code === PROBLEM_CODES.PAYER_ACCOUNT_MISSING) return collectFailure('merchant-unavailable', "The merchant's owner has no linked bank account to be paid into.");
  if (failure.code === PROBLEM_CODES.RATE_LIMITED) {
    return {
      ...passedOn,
      detail: `Too many customer look-ups for this merchant; retry after ${failure.retryAfterSeconds ?? 60} seconds.`,
      ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
    };
  }
  return { ...passedOn, detail: failure.detail };
}

/**
 * sha256 of the request in canonical form (the customer's user id, the amount in its normal form,
 * the note and the expiry asked for): "500" and "500.00" are one request, any real difference another.
 */
export function collectRequestFingerprint(fields: { readonly payerUserId: string; readonly amount: Money; readonly note: string | null; readonly expiresInMinutes: number | null }): string {
  const amount = fields.amount.toDto();
  const canonical = JSON.stringify({
    kind: 'collect-request',
    payerUserId: fields.payerUserId,
    amount: { currency: amount.currency, value: amount.value },
    note: fields.note,
    expiresInMinutes: fields.expiresInMinutes,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
