import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, UserRegistered } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { CreateDefaultPaymentAddress } from '../../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { IssuedToken, TokenIssuer } from '../../tokens/token-issuer';
import type { User } from '../user';
import { UserRepository } from '../user.repository';

export interface RegisterUserCommand {
  readonly phone: string;
  readonly displayName: string;
}

export type RegisterUserResult = { readonly ok: true; readonly userId: string; readonly token: IssuedToken } | { readonly ok: false; readonly code: 'already-registered' };

/** Creates a user and announces it (UserRegistered via the outbox, in the same transaction). */
@Injectable()
export class RegisterUser {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UserRepository,
    private readonly tokens: TokenIssuer,
    private readonly defaultAddresses: CreateDefaultPaymentAddress,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: RegisterUserCommand): Promise<RegisterUserResult> {
    const user: User = { id: this.ids.uuid(), phone: command.phone, displayName: command.displayName, createdAt: this.clock.now() };
    const registered = await this.transactions.run(async (tx) => {
      if (!(await this.users.insertIfPhoneFree(tx, user))) return false;
      // In the same transaction: no user exists without an address to be paid at (`9876543210@kirim`).
      await this.defaultAddresses.execute(tx, { userId: user.id, phone: user.phone });
      // The phone number is personal data and stays in identity; the event carries only the id.
      await tx.publish<UserRegistered>({
        type: EVENT_TYPES.USER_REGISTERED,
        key: user.id,
        data: { userId: user.id, registeredAt: user.createdAt.toISOString() },
      });
      return true;
    });
    if (!registered) return { ok: false, code: 'already-registered' };
    // Signed only after commit, so no token ever names a user that does not exist.
    return { ok: true, userId: user.id, token: await this.tokens.issueAccessToken(user.id) };
  }
}
