import { Injectable, Logger } from '@nestjs/common';
import type { InTransaction } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import type { PaymentAddress } from '../payment-address';
import { PaymentAddressRepository } from '../payment-address.repository';
import { defaultHandleCandidates, handleSkeleton } from '../payment-handle-rules';

export interface CreateDefaultPaymentAddressCommand {
  readonly userId: string;
  /** E.164; only its digits become the handle, the number itself is not kept here. */
  readonly phone: string;
}

/**
 * The address every user gets when created, from the phone number as UPI apps make it
 * (`9876543210@kirim`), primary. Runs inside the transaction that creates the user, so a user never
 * exists without it: user-creation code (sandbox registration, device binding) calls
 * `execute(tx, { userId, phone })` right after inserting the user. Calling it again for a user who
 * already has addresses changes nothing and answers their primary one.
 */
@Injectable()
export class CreateDefaultPaymentAddress {
  private readonly logger = new Logger(CreateDefaultPaymentAddress.name);

  constructor(
    private readonly addresses: PaymentAddressRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(tx: InTransaction, command: CreateDefaultPaymentAddressCommand): Promise<PaymentAddress | null> {
    const existing = await this.addresses.listByUserIn(tx, command.userId);
    if (existing.length > 0) return existing.find((address) => address.isPrimary) ?? existing[0];

    for (const handle of defaultHandleCandidates(command.phone)) {
      const address: PaymentAddress = { id: this.ids.uuid(), userId: command.userId, handle, isPrimary: true, isDefault: true, merchantId: null, createdAt: this.clock.now() };
      if ((await this.addresses.insertIfFree(tx, address, handleSkeleton(handle))) === 'inserted') return address;
    }
    // Only if both the national number and the full number are taken, which custom handles cannot
    // do (they need a letter): the user is still created and may add an address of their own.
    this.logger.error({ userId: command.userId }, 'no default payment address could be made for a new user');
    return null;
  }
}
