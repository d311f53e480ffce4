import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { checkCustomHandle, EVENT_TYPES, KIRIM_PSP_HANDLE, Money, MoneyDto, PROBLEM_CODES } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { CollectExpiryRules, SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { perPaymentCap } from '../../merchant/create-merchant-order/create-merchant-order.use-case';
import { Merchant } from '../../merchant/merchant';
import { ownAddressRefusal } from '../../merchant/onboard-merchant/onboard-merchant.use-case';
import { PartyDirectory, PartyLookupFailure, PayeeIdentifier } from '../../payment/party-directory';
import { checkPaymentAmount } from '../../payment/initiate-payment/payment-request-rules';
import { CollectRequest, MerchantCollectRequest, PersonCollectRequest } from '../collect-request';
import { CollectFailure, collectFailure } from '../collect-problems';
import { collectRequestEvent } from '../collect-request-events';
import { CollectRequestRepository } from '../collect-request.repository';

export interface CreateCollectRequestCommand {
  /** Who asks to be paid: a merchant (its API key), or a user asking another user (P2P collect, behind the profile's switch). */
  readonly requester: { readonly kind: 'merchant'; readonly merchant: Merchant } | { readonly kind: 'user'; readonly userId: string };
  /** The requester's own id for the request: unique per merchant, or per user. */
  readonly reference: string;
  /** The customer asked to pay, by phone number or kirim address; resolved to a user and never stored. */
  readonly customer: PayeeIdentifier;
  /**
   * Where a user asking is paid: one of their own custom kirim addresses, with a linked account
   * behind them. Absent for a merchant, which is paid to its settlement address.
   */
  readonly payTo?: { readonly address: string };
  readonly amount: MoneyDto;
  readonly note: string | null;
  /** How long the customer may answer; the profile's default when absent. */
  readonly expiresInMinutes: number | null;
}

/** `created`: false when the same reference and body came before; this is that request. */
export type CreateCollectRequestOutcome = { readonly ok: true; readonly request: CollectRequest; readonly created: boolean } | CollectFailure;

type CheckedRequest = { readonly ok: true; readonly amount: Money; readonly expiryMs: number } | CollectFailure;

/**
 * A merchant, or a user where the scheme profile allows it, asks a customer to pay. The customer is
 * resolved by identity as a payment's payee is, and only a customer with a linked account can be
 * asked (UPI refuses a collect to an address that cannot pay: ZH, or XI-like here).
 *
 * A merchant's look-up is asked for the merchant's OWNER and so is paid from the owner's anti-scan
 * bucket, not the customer's: the merchant is the one looking people up (a merchant key must not be
 * a way to walk the directory faster than its owner could by hand), and a merchant sending many
 * requests must never lock a customer out of their own payments. A user's look-ups are their own.
 *
 * Between people (docs/merchants.md, "Between people"; off on UPI since NPCI stopped P2P collect):
 * the amount is held to the profile's own cap for such requests, and the requester names where to
 * be paid, `payTo`, which identity must confirm is theirs (the check a merchant's settlement address
 * passes, `ownAddressRefusal`) and which must be a custom handle, so the request never holds a phone
 * number nor shows the customer a reserved word to trust.
 *
 * The reference makes it idempotent: the same reference and body (the same customer, amount, note,
 * expiry and pay-to address) answer the first request; another body is refused (409). A new request
 * is announced (`payments.collect-request.created.v1`, through the outbox) in the transaction that
 * stores it, so a repeat or a refusal announces nothing.
 */
@Injectable()
export class CreateCollectRequestUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly requests: CollectRequestRepository,
    private readonly parties: PartyDirectory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
  ) {}

  async execute(command: CreateCollectRequestCommand): Promise<CreateCollectRequestOutcome> {
    if (command.requester.kind === 'user') {
      if (!this.profile.collect.p2p.enabled) {
        return collectFailure(
          'p2p-disabled',
          `Collect requests between people are off on the ${this.profile.name} scheme (NPCI stopped them on UPI in October 2025): only a merchant may ask a customer to pay. Send a payment instead.`,
        );
      }
      return this.askBetweenPeople(command.requester.userId, command);
    }
    const { merchant } = command.requester;
    if (command.payTo !== undefined) return collectFailure('invalid-request', "payTo is for collect requests between people: a merchant is paid to its settlement address.");
    const checked = this.checkAmountAndExpiry(command, this.profile.collect.merchantExpiry);
    if (!checked.ok) return checked;
    const { amount, expiryMs } = checked;
    const cap = perPaymentCap(this.profile, merchant);
    if (cap === null) return collectFailure('merchant-unavailable', `Merchant category ${merchant.categoryCode} is no longer in the scheme profile.`);
    if (amount.minorUnits > cap) {
      return collectFailure('amount-out-of-range', `The amount exceeds the per-transaction limit of ${Money.ofMinor(cap, amount.currency).toString()} for this merchant's category.`);
    }

    const lookup = await this.parties.resolve(merchant.ownerUserId, command.customer);
    if (!lookup.ok) return customerRefusal(lookup.failure, 'merchant');
    const { payer: owner, payee: customer } = lookup.parties;
    if (owner.userId !== merchant.ownerUserId) throw new Error('identity resolved an owner other than the merchant owner asked for');

    const request: MerchantCollectRequest = {
      ...this.pendingRequest(command, customer.userId, amount, expiryMs),
      merchantId: merchant.id,
      requesterUserId: null,
      payToAddress: null,
      requestFingerprint: collectRequestFingerprint({ payerUserId: customer.userId, amount, note: command.note, expiresInMinutes: command.expiresInMinutes }),
    };
    return this.store(request, 'This merchant already made a collect request with this reference and another customer, amount, note or expiry.');
  }

  /** A user asks another user (the switch is on): their cap, their pay-to address, then the customer. */
  private async askBetweenPeople(requesterUserId: string, command: CreateCollectRequestCommand): Promise<CreateCollectRequestOutcome> {
    const { p2p } = this.profile.collect;
    const checked = this.checkAmountAndExpiry(command, p2p.expiry);
    if (!checked.ok) return checked;
    const { amount, expiryMs } = checked;
    if (amount.minorUnits > p2p.maxAmountMinor) {
      return collectFailure('amount-out-of-range', `A collect request between people may ask for at most ${Money.ofMinor(p2p.maxAmountMinor, amount.currency).toString()} on the ${this.profile.name} scheme.`);
    }
    if (command.payTo === undefined) return collectFailure('invalid-request', 'payTo is required: the address of yours the customer pays into.');
    // Stored with the request and shown to the customer: a custom handle only. The phone-number
    // address would put a phone number in payments; a reserved word is what a fraudster poses behind.
    const handle = checkCustomHandle(command.payTo.address);
    if (!handle.ok) return collectFailure('pay-to-not-usable', `payTo.address must be one of your own custom kirim addresses, not your phone-number one. ${handle.reason}`);
    const payToAddress = `${handle.handle}@${KIRIM_PSP_HANDLE}`;

    // identity answers "self-payment" for an address that leads back to the asker: its proof that the
    // address is theirs, the same check a merchant's settlement address passes at onboarding.
    const owned = ownAddressRefusal(await this.parties.resolve(requesterUserId, { address: payToAddress }), collectFailure('pay-to-not-usable', 'payTo.address must be one of your own kirim payment addresses.'));
    if (owned) return owned;
    // The requester as payer: identity also says whether they have a linked account to be paid into (XH).
    const lookup = await this.parties.resolve(requesterUserId, command.customer);
    if (!lookup.ok) return customerRefusal(lookup.failure, 'user');
    const { payer: requester, payee: customer } = lookup.parties;
    if (requester.userId !== requesterUserId) throw new Error('identity resolved a requester other than the authenticated user');
    // identity refuses this as a self-payment already; the table's CHECK holds it too.
    if (customer.userId === requesterUserId) return collectFailure('self-request', 'You cannot ask yourself to pay.');

    const request: PersonCollectRequest = {
      ...this.pendingRequest(command, customer.userId, amount, expiryMs),
      merchantId: null,
      requesterUserId,
      payToAddress,
      requestFingerprint: collectRequestFingerprint({ payerUserId: customer.userId, amount, note: command.note, expiresInMinutes: command.expiresInMinutes, payToAddress }),
    };
    return this.store(request, 'You already made a collect request with this reference and another customer, amount, note, expiry or pay-to address.');
  }

  /** What every new request is, whoever asks: pending, unanswered, expiring `expiryMs` from now. */
  private pendingRequest(command: CreateCollectRequestCommand, payerUserId: string, amount: Money, expiryMs: number) {
    const now = this.clock.now();
    return {
      id: this.ids.uuid(),
      reference: command.reference,
      payerUserId,
      amount,
      note: command.note,
      status: 'pending' as const,
      resultCode: null,
      expiresAt: new Date(now.getTime() + expiryMs),
      orderId: null,
      paymentId: null,
      createdAt: now,
      decidedAt: null,
    };
  }

  /** The amount (positive, in the profile's currency) and the expiry within `bounds` (the default when none is asked for). */
  private checkAmountAndExpiry(command: CreateCollectRequestCommand, bounds: CollectExpiryRules): CheckedRequest {
    const checked = checkPaymentAmount(command.amount);
    if (!checked.ok) return collectFailure(checked.reason === 'invalid' ? 'invalid-request' : 'amount-out-of-range', checked.detail);
    if (checked.amount.currency !== this.profile.currency) return collectFailure('invalid-request', `The ${this.profile.name} scheme profile pays in ${this.profile.currency} only.`);
    const expiryMs = command.expiresInMinutes === null ? bounds.defaultMs : command.expiresInMinutes * 60_000;
    if (expiryMs < bounds.minMs || expiryMs > bounds.maxMs) {
      return collectFailure('invalid-request', `expiresInMinutes must be between ${bounds.minMs / 60_000} and ${bounds.maxMs / 60_000}.`);
    }
    return { ok: true, amount: checked.amount, expiryMs };
  }

  /** Stores a new request, or answers the one holding its reference (a repeat), or refuses a reuse. */
  private async store(request: CollectRequest, reused: string): Promise<CreateCollectRequestOutcome> {
    const stored = await this.unitOfWork.run(async (tx) => {
      const outcome = await this.requests.insert(tx, request);
      if (outcome.inserted) await tx.publish(collectRequestEvent(EVENT_TYPES.COLLECT_REQUEST_CREATED, request, request.createdAt));
      return outcome;
    });
    if (stored.inserted) return { ok: true, request, created: true };
    // An earlier request (or a concurrent twin that won) holds the reference.
    if (stored.existing.requestFingerprint !== request.requestFingerprint) return collectFailure('reference-reused', reused);
    return { ok: true, request: stored.existing, created: false };
  }
}

/**
 * identity's refusal in the requester's words. identity resolved the requester (a merchant's owner,
 * or the user asking) as payer and the customer as payee, so its "payee" problems are about the
 * customer and its "payer" ones about the requester.
 */
function customerRefusal(failure: PartyLookupFailure, asker: 'merchant' | 'user'): CollectFailure {
  if (failure.kind === 'unavailable') return collectFailure('dependency-unavailable', 'The customer cannot be looked up right now; try again.');
  const passedOn = { ok: false as const, status: failure.status, code: failure.code, ...(failure.resultCode ? { resultCode: failure.resultCode } : {}) };
  if (failure.code === PROBLEM_CODES.PAYEE_NOT_FOUND) {
    return {
      ...passedOn,
      detail: failure.status === 404 ? 'No kirim user has this phone number or payment address.' : 'The customer has not linked a bank account, so cannot pay a collect request.',
    };
  }
  if (failure.code === PROBLEM_CODES.SELF_PAYMENT) return asker === 'merchant' ? { ...passedOn, detail: 'A merchant cannot ask its own owner to pay.' } : collectFailure('self-request', 'You cannot ask yourself to pay.');
  if (failure.code === PROBLEM_CODES.PAYER_ACCOUNT_MISSING) {
    return asker === 'merchant'
      ? collectFailure('merchant-unavailable', "The merchant's owner has no linked bank account to be paid into.")
      : collectFailure('pay-to-not-usable', 'You have no linked bank account to be paid into; link one first.');
  }
  if (failure.code === PROBLEM_CODES.RATE_LIMITED) {
    return {
      ...passedOn,
      detail: `Too many customer look-ups ${asker === 'merchant' ? 'for this merchant' : 'by you'}; retry after ${failure.retryAfterSeconds ?? 60} seconds.`,
      ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
    };
  }
  return { ...passedOn, detail: failure.detail };
}

/**
 * sha256 of the request in canonical form (the customer's user id, the amount in its normal form,
 * the note, the expiry asked for and, between people, the pay-to address): "500" and "500.00" are
 * one request, any real difference another. A merchant's keeps the shape it had before people could
 * ask, so stored requests still match their repeats.
 */
export function collectRequestFingerprint(fields: {
  readonly payerUserId: string;
  readonly amount: Money;
  readonly note: string | null;
  readonly expiresInMinutes: number | null;
  readonly payToAddress?: string;
}): string {
  const amount = fields.amount.toDto();
  const canonical = JSON.stringify({
    kind: 'collect-request',
    payerUserId: fields.payerUserId,
    amount: { currency: amount.currency, value: amount.value },
    note: fields.note,
    expiresInMinutes: fields.expiresInMinutes,
    ...(fields.payToAddress !== undefined ? { payToAddress: fields.payToAddress } : {}),
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
