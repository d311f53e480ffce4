import type { HandleClaimFailure } from '../handle-claim-problem';
import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { UserRepository } from '../../users/user.repository';
import type { PaymentAddress } from '../payment-address';
import { PaymentAddressPolicy } from '../payment-address-policy';
import { PaymentAddressRepository } from '../payment-address.repository';
import { checkCustomHandle } from '../payment-handle-rules';

export interface AddPaymentAddressCommand {
  readonly userId: string;
  /** As the user typed it: `asha.k` or `asha.k@kirim`, any case. */
  readonly handle: string;
}

export type AddPaymentAddressFailure = HandleClaimFailure | { readonly code: 'limit-reached' | 'user-not-found' };

export type AddPaymentAddressResult =
  /** `created` false: the caller already holds this handle (a retry), and this is it. */
  | { readonly ok: true; readonly created: boolean; readonly address: PaymentAddress }
  | ({ readonly ok: false } & AddPaymentAddressFailure);

/**
 * Adds a custom address after the rules (payment-handle-rules.ts: length, charset, reserved words,
 * phone look-alikes) and the collisions: the same handle anywhere is taken, a look-alike of any
 * existing handle is refused, users' and merchants' alike. The user's first address becomes primary.
 */
@Injectable()
export class AddPaymentAddress {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UserRepository,
    private readonly addresses: PaymentAddressRepository,
    private readonly policy: PaymentAddressPolicy,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: AddPaymentAddressCommand): Promise<AddPaymentAddressResult> {
    const check = checkCustomHandle(command.handle);
    if (!check.ok) return { ok: false, code: check.code, reason: check.reason };

    // Answered before any lock for the common cases; the insert below decides the races. A merchant's
    // address is taken even for the merchant's owner: paid as a person, it would bypass the merchant.
    const holder = await this.addresses.findByHandle(check.handle);
    if (holder) return holder.userId === command.userId && holder.merchantId === null ? { ok: true, created: false, address: holder } : { ok: false, code: 'taken' };
    if (await this.addresses.existsWithSkeleton(check.skeleton)) return { ok: false, code: 'confusable' };

    return this.transactions.run(async (tx): Promise<AddPaymentAddressResult> => {
      // The user's lock serializes their own changes: the count below and "first is primary" hold.
      if (!(await this.users.lockById(tx, command.userId))) return { ok: false, code: 'user-not-found' };
      const mine = await this.addresses.listByUserIn(tx, command.userId);
      if (mine.length >= this.policy.maxPerUser) return { ok: false, code: 'limit-reached' };
      const address: PaymentAddress = {
        id: this.ids.uuid(),
        userId: command.userId,
        handle: check.handle,
        isPrimary: mine.length === 0,
        isDefault: false,
        merchantId: null,
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
