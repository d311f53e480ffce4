import { Injectable } from '@nestjs/common';
import type { PaymentAddress } from '../payment-address';
import { PaymentAddressRepository } from '../payment-address.repository';

export interface ListPaymentAddressesCommand {
  readonly userId: string;
}

/** The caller's own addresses, primary first. */
@Injectable()
export class ListPaymentAddresses {
  constructor(private readonly addresses: PaymentAddressRepository) {}

  execute(command: ListPaymentAddressesCommand): Promise<PaymentAddress[]> {
    return this.addresses.listByUser(command.userId);
  }
}
