import type { HandleClaimFailure } from '../handle-claim-problem';
import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { UserRepository } from '../../users/user.repository';
import type { PaymentAddress } from '../payment-address';
import { PaymentAddressRepository } from '../payment-address.repository';
import { checkCustomHandle } from '../payment-handle-rules';

export interface ReserveMerchantAddressCommand {
  /** The user who onboards the merchant; payments authenticated them. */
  readonly ownerUserId: string;
  /** payments' id of the merchant: a repeat with the same id, owner and handle is the same reservation. */
  readonly merchantId: string;
  readonly handle: string;
}

/** `taken`: the handle is another's (a user's, another merchant's), or this merchant already holds another address. */
export type ReserveMerchantAddressFailure = HandleClaimFailure | { readonly code: 'owner-not-found' };

export type ReserveMerchantAddressResult =
  /** `created` false: this merchant already held it (payments retrying), and this is it. */
  | { readonly ok: true; readonly created: boolean; readonly address: PaymentAddress }
  | ({ readonly ok: false } & ReserveMerchantAddressFailure);

/**
 * Records a merchant's address `handle@kirim` as held by that merchant (docs/merchants.md), so that
 * no user can register it or a look-alike of it afterwards, no second merchant either, and payee
 * resolution knows it is not a person's. The rules are those of users' custom addresses (reserved
 * words, charset, look-alike skeletons, payment-handle-rules.ts) and the collisions are decided by
 * the same unique indexes (one table for both, migration 1764780000000), so a user and a merchant
 * racing for look-alikes on two replicas cannot both win.
 *
 * Idempotent per merchant: payments reserves before it stores the merchant, and may crash between
 * the two; its retry, with the same merchant id, must find the reservation its own.
 */
@Injectable()
export class ReserveMerchantAddress {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UserRepository,
    private readonly addresses: PaymentAddressRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: ReserveMerchantAddressCommand): Promise<ReserveMerchantAddressResult> {
    // The same rules as a user's handle; payments checks them too (the shared libs/contracts rules), so
    // a refusal here means the two disagree, and is answered as such rather than trusted away.
    const check = checkCustomHandle(command.handle);
    if (!check.ok) return { ok: false, code: check.code, reason: check.reason };

    return this.transactions.run(async (tx): Promise<ReserveMerchantAddressResult> => {
      // The owner's lock: a merchant has one owner, so two reservations of one merchant (a retry racing
      // its original) pass one at a time, and the second finds the first's row below.
      if (!(await this.users.lockById(tx, command.ownerUserId))) return { ok: false, code: 'owner-not-found' };
      const held = await this.addresses.findByMerchantIn(tx, command.merchantId);
      if (held) {
        const same = held.userId === command.ownerUserId && held.handle === check.handle;
        return same ? { ok: true, created: false, address: held } : { ok: false, code: 'taken' };
      }
      const address: PaymentAddress = {
        id: this.ids.uuid(),
        userId: command.ownerUserId,
        handle: check.handle,
        // Never the owner's primary or default: those are where the owner is paid as a person.
        isPrimary: false,
        isDefault: false,
        merchantId: command.merchantId,
        createdAt: this.clock.now(),
      };
      switch (await this.addresses.insertIfFree(tx, address, check.skeleton)) {
        case 'inserted':
          return { ok: true, created: true, address };
        case 'handle-taken':
          return { ok: false, code: 'taken' };
        case 'skeleton-taken':
          return { ok: false, code: 'confusable' };
      }
    });
  }
}
