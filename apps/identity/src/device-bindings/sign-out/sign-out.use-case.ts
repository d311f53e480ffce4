import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { announceAppPresence } from '../../users/app-presence';
import { UserRepository } from '../../users/user.repository';
import { DeviceBindingRepository, RefreshTokenRepository } from '../device-binding.repository';

export interface SignOutCommand {
  readonly userId: string;
  /** The binding the caller's access token was issued to (its `did` claim). */
  readonly bindingId: string;
}

export type SignOutResult =
  | { readonly ok: true; readonly hasApp: boolean }
  /** The binding is not the user's active one: already signed out or revoked (a concurrent sign-out), or not theirs. */
  | { readonly ok: false; readonly code: 'binding-not-active' };

/**
 * Signs the caller out of the device their token was issued to: its binding is revoked as a newer
 * device revokes it (refresh tokens at once, access tokens at identity at once and at the other
 * services through the revocation feed; docs/device-binding.md). When no other device of the user
 * is left, announces that the user no longer has the app (UserAppPresenceChanged, hasApp false),
 * in the same transaction, so receipts go by SMS.
 */
@Injectable()
export class SignOut {
  private readonly logger = new Logger(SignOut.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bindings: DeviceBindingRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: SignOutCommand): Promise<SignOutResult> {
    const now = this.clock.now();
    const outcome = await this.transactions.run(async (tx) => {
      // The user first, then the binding: the order CompleteDeviceBinding takes them in (user, then
      // the user's other bindings), so a sign-out racing a new device's binding cannot deadlock, and
      // the presence both announce is ordered by this lock. The binding's refresh tokens (which the
      // revocation updates) are locked before the binding, as a refresh locks them: token, binding.
      const user = await this.users.lockById(tx, command.userId);
      await this.refreshTokens.lockAllOfBinding(tx, command.bindingId);
      const binding = await this.bindings.lockById(tx, command.bindingId);
      if (!user || !binding || binding.userId !== user.id || binding.status !== 'active') return { ok: false as const, code: 'binding-not-active' as const };

      await this.bindings.revoke(tx, [binding.id], now, 'signed-out');
      const hasApp = (await this.bindings.activeIdsOfUser(tx, user.id, binding.id)).length > 0;
      if (!hasApp) await announceAppPresence(tx, this.users, user, false, now);
      return { ok: true as const, hasApp };
    });
    if (outcome.ok) this.logger.log({ userId: command.userId, bindingId: command.bindingId, hasApp: outcome.hasApp }, 'signed out');
    return outcome;
  }
}
