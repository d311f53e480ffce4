import { Inject, Injectable } from '@nestjs/common';
import { checkCustomHandle, EVENT_TYPES, eventOf, KIRIM_PSP_HANDLE, MerchantOnboarded, PROBLEM_CODES } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { merchantCategoryOf, SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { PartyDirectory, PartyLookupResult } from '../../payment/party-directory';
import { Merchant } from '../merchant';
import { MerchantAddressRegistry, MerchantAddressReservation } from '../merchant-address-registry';
import { merchantIdFor } from '../merchant-id';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { MerchantRepository } from '../merchant.repository';

export interface OnboardMerchantCommand {
  readonly ownerUserId: string;
  readonly displayName: string;
  readonly categoryCode: string;
  /** The handle of the merchant's address, with or without `@kirim`. */
  readonly handle: string;
  /** One of the owner's own kirim addresses, whose bank account receives the merchant's payments. */
  readonly settlementAddress: string;
}

export type OnboardMerchantOutcome = { readonly ok: true; readonly merchant: Merchant } | MerchantFailure;

/**
 * Makes a user's business account (docs/merchants.md): its category must be one the scheme profile
 * lists, its handle must pass the rules of every kirim address and be free among merchants and at
 * identity, and its settlement address must be the owner's own.
 *
 * identity is asked with the owner as payer, as for a payment (resolve-payment-parties): the
 * settlement address must come back as the owner themself ("self-payment": identity's proof that the
 * address is theirs, without the owner's phone number ever reaching payments). identity's answer does
 * not name the owner's bank account for their own address, so that account is resolved at each
 * payment instead (and must still be the owner's then).
 *
 * Then identity reserves the handle for the merchant (reserve-merchant-address), under the same
 * uniqueness and look-alike rules as users' addresses: from then on no user can take it, and paying
 * the address as a person is refused (payee-is-merchant). Only then is the merchant stored here, and
 * `payments.merchant.onboarded.v1` written to the outbox in the same transaction: announced exactly
 * when it is stored, so a refusal, a conflict or a repeat of an onboarding that succeeded (refused as
 * already-onboarded) announces nothing.
 */
@Injectable()
export class OnboardMerchantUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly merchants: MerchantRepository,
    private readonly parties: PartyDirectory,
    private readonly addresses: MerchantAddressRegistry,
    private readonly clock: Clock,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
  ) {}

  async execute(command: OnboardMerchantCommand): Promise<OnboardMerchantOutcome> {
    if (merchantCategoryOf(this.profile, command.categoryCode) === null) {
      return merchantFailure('category-unknown', `Merchant category ${command.categoryCode} is not one the ${this.profile.name} scheme profile accepts.`);
    }
    const handle = checkCustomHandle(command.handle);
    if (!handle.ok) return merchantFailure(handle.code === 'reserved' ? 'handle-reserved' : 'handle-invalid', handle.reason);
    if (await this.merchants.findByOwner(command.ownerUserId)) return merchantFailure('already-onboarded', 'This user already owns a merchant.');

    const settlement = await this.parties.resolve(command.ownerUserId, { address: command.settlementAddress });
    const settlementRefusal = ownAddressRefusal(settlement, merchantFailure('settlement-address-not-owned', "The settlement address must be one of the owner's own kirim payment addresses."));
    if (settlementRefusal) return settlementRefusal;

    const address = `${handle.handle}@${KIRIM_PSP_HANDLE}`;
    // Derived from the request, not random (merchant-id.ts): if this request stops between the
    // reservation and the insert below, its retry reserves with the same id, which identity answers as
    // the same reservation, and the merchant is stored then.
    const merchantId = merchantIdFor(command.ownerUserId, handle.handle);
    const reservation = await this.addresses.reserve({ merchantId, ownerUserId: command.ownerUserId, handle: handle.handle });
    const reservationRefusal = identityReservationRefusal(reservation, address);
    if (reservationRefusal) return reservationRefusal;

    // payments' own unique handle and skeleton stay as a second guard: merchants onboarded before identity
    // held merchants' addresses are known here only.
    const merchant: Merchant = {
      id: merchantId,
      ownerUserId: command.ownerUserId,
      displayName: command.displayName,
      categoryCode: command.categoryCode,
      handle: handle.handle,
      handleSkeleton: handle.skeleton,
      settlementAddress: command.settlementAddress.toLowerCase(),
      verified: false,
      createdAt: this.clock.now(),
    };
    const stored = await this.unitOfWork.run(async (tx) => {
      const outcome = await this.merchants.insert(merchant, tx);
      if (outcome.inserted) await tx.publish(eventOf(EVENT_TYPES.MERCHANT_ONBOARDED, merchant.id, merchantOnboarded(merchant)));
      return outcome;
    });
    if (stored.inserted) return { ok: true, merchant };
    switch (stored.conflict) {
      case 'owner':
        return merchantFailure('already-onboarded', 'This user already owns a merchant.');
      case 'handle':
        return merchantFailure('handle-taken', `${address} is taken.`);
      case 'skeleton':
        return merchantFailure('handle-confusable', `${address} can be mistaken for the address of another merchant.`);
    }
  }
}

/** What notifications needs to serve a new merchant: its owner (who manages its webhook endpoints) and the name receipts show. */
function merchantOnboarded(merchant: Merchant): MerchantOnboarded {
  return Object.assign(new MerchantOnboarded(), {
    merchantId: merchant.id,
    ownerUserId: merchant.ownerUserId,
    displayName: merchant.displayName,
    onboardedAt: merchant.createdAt.toISOString(),
  });
}

/**
 * Null when identity says the address it was asked about is the asker's own: it answers
 * "self-payment" for an address that leads back to the payer, its proof without the asker's phone
 * number ever reaching payments. Else `notOwned`, or why identity cannot tell. Shared by a
 * merchant's settlement address and a collect request's pay-to address (apps/payments/src/collect).
 */
export function ownAddressRefusal(answer: PartyLookupResult, notOwned: MerchantFailure): MerchantFailure | null {
  if (!answer.ok && answer.failure.kind === 'refused' && answer.failure.code === PROBLEM_CODES.SELF_PAYMENT) return null;
  return passedOnFailure(answer) ?? notOwned;
}

/** Null when identity holds the address for this merchant; else the refusal in the merchant feature's words. */
function identityReservationRefusal(reservation: MerchantAddressReservation, address: string): MerchantFailure | null {
  if (reservation.ok) return null;
  switch (reservation.refusal) {
    case 'taken':
      return merchantFailure('handle-taken', `${address} is taken.`);
    case 'confusable':
      return merchantFailure('handle-confusable', `${address} can be mistaken for an existing address; choose another.`);
    // The shared rules passed here; identity refusing them means the two disagree: its reason, as it gave it.
    case 'invalid':
      return merchantFailure('handle-invalid', reservation.detail);
    case 'reserved':
      return merchantFailure('handle-reserved', reservation.detail);
    case 'unavailable':
      return merchantFailure('dependency-unavailable', 'Payment addresses cannot be checked right now; try again.');
  }
}

/** identity could not be asked, or asks the caller to slow down: said as such, never as an answer about the address. */
function passedOnFailure(answer: PartyLookupResult): MerchantFailure | null {
  if (answer.ok) return null;
  if (answer.failure.kind === 'unavailable') return merchantFailure('dependency-unavailable', 'Payment addresses cannot be checked right now; try again.');
  if (answer.failure.status === 429) {
    const { status, code, detail, retryAfterSeconds } = answer.failure;
    return { ok: false, status, code, detail, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  return null;
}
