import { Inject, Injectable } from '@nestjs/common';
import { checkCustomHandle, KIRIM_PSP_HANDLE, PROBLEM_CODES } from '@kirim/contracts';
import { Clock, IdGenerator } from '@kirim/platform';
import { merchantCategoryOf, SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { PartyDirectory, PartyLookupResult } from '../../payment/party-directory';
import { Merchant } from '../merchant';
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
 * address is theirs, without the owner's phone number ever reaching payments), and the handle must
 * be unknown there. identity's answer does not name the owner's bank account for their own address,
 * so that account is resolved at each payment instead (and must still be the owner's then).
 */
@Injectable()
export class OnboardMerchantUseCase {
  constructor(
    private readonly merchants: MerchantRepository,
    private readonly parties: PartyDirectory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
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
    const settlementRefusal = settlementAddressRefusal(settlement);
    if (settlementRefusal) return settlementRefusal;

    const address = `${handle.handle}@${KIRIM_PSP_HANDLE}`;
    const atIdentity = await this.parties.resolve(command.ownerUserId, { address });
    const handleRefusal = identityHandleRefusal(atIdentity);
    if (handleRefusal) return handleRefusal;

    const merchant: Merchant = {
      id: this.ids.uuid(),
      ownerUserId: command.ownerUserId,
      displayName: command.displayName,
      categoryCode: command.categoryCode,
      handle: handle.handle,
      handleSkeleton: handle.skeleton,
      settlementAddress: command.settlementAddress.toLowerCase(),
      verified: false,
      createdAt: this.clock.now(),
    };
    const stored = await this.merchants.insert(merchant);
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

/** Null when identity says the settlement address is the owner's own; else why not, or why it cannot tell. */
function settlementAddressRefusal(answer: PartyLookupResult): MerchantFailure | null {
  if (!answer.ok && answer.failure.kind === 'refused' && answer.failure.code === PROBLEM_CODES.SELF_PAYMENT) return null;
  const passedOn = passedOnFailure(answer);
  if (passedOn) return passedOn;
  return merchantFailure('settlement-address-not-owned', "The settlement address must be one of the owner's own kirim payment addresses.");
}

/** Null when identity does not know the handle's address; else that it is taken, or why it cannot tell. */
function identityHandleRefusal(answer: PartyLookupResult): MerchantFailure | null {
  // 404: no user has the address (ZH). Anything identity resolves, even without an account, is taken.
  if (!answer.ok && answer.failure.kind === 'refused' && answer.failure.code === PROBLEM_CODES.PAYEE_NOT_FOUND && answer.failure.status === 404) return null;
  return passedOnFailure(answer) ?? merchantFailure('handle-taken', 'A kirim user holds this address.');
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
