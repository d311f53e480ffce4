import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { UserRepository } from '../../users/user.repository';
import { PaymentAddressRepository } from '../payment-address.repository';

export interface RemovePaymentAddressCommand {
  readonly userId: string;
  readonly addressId: string;
}

export type RemovePaymentAddressResult = { readonly ok: true } | { readonly ok: false; readonly code: 'not-found' | 'primary' };

/** Removes one of the caller's addresses, never the primary one: a user always keeps an address to be paid at. */
@Injectable()
export class RemovePaymentAddress {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UserRepository,
    private readonly addresses: PaymentAddressRepository,
  ) {}

  execute(command: RemovePaymentAddressCommand): Promise<RemovePaymentAddressResult> {
    return this.transactions.run(async (tx): Promise<RemovePaymentAddressResult> => {
      // Under the user's lock, so a concurrent "make primary" of this address cannot slip in between.
      if (!(await this.users.lockById(tx, command.userId))) return { ok: false, code: 'not-found' };
      const target = (await this.addresses.listByUserIn(tx, command.userId)).find((address) => address.id === command.addressId);
      if (!target) return { ok: false, code: 'not-found' };
      if (target.isPrimary) return { ok: false, code: 'primary' };
      await this.addresses.delete(tx, target.id);
      return { ok: true };
    });
  }
}
