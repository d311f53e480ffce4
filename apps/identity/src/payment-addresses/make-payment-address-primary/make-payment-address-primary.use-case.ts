import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { UserRepository } from '../../users/user.repository';
import type { PaymentAddress } from '../payment-address';
import { PaymentAddressRepository } from '../payment-address.repository';

export interface MakePaymentAddressPrimaryCommand {
  readonly userId: string;
  readonly addressId: string;
}

export type MakePaymentAddressPrimaryResult = { readonly ok: true; readonly address: PaymentAddress } | { readonly ok: false; readonly code: 'not-found' };

/** Makes one of the caller's addresses the primary one (the one payees are shown when found by phone). */
@Injectable()
export class MakePaymentAddressPrimary {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UserRepository,
    private readonly addresses: PaymentAddressRepository,
  ) {}

  execute(command: MakePaymentAddressPrimaryCommand): Promise<MakePaymentAddressPrimaryResult> {
    return this.transactions.run(async (tx): Promise<MakePaymentAddressPrimaryResult> => {
      if (!(await this.users.lockById(tx, command.userId))) return { ok: false, code: 'not-found' };
      // Only among the caller's own: another user's address id answers as if it did not exist.
      const target = (await this.addresses.listByUserIn(tx, command.userId)).find((address) => address.id === command.addressId);
      if (!target) return { ok: false, code: 'not-found' };
      if (!target.isPrimary) await this.addresses.makePrimary(tx, command.userId, target.id);
      return { ok: true, address: { ...target, isPrimary: true } };
    });
  }
}
