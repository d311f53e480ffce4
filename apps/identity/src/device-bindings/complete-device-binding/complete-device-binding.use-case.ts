import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEVICE_PROOF_MAX_AGE_SECONDS, DEVICE_PROOF_PURPOSES, EVENT_TYPES, UserRegistered } from '@kirim/contracts';
import { TransactionRunner, type TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { CreateDefaultPaymentAddress } from '../../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { TokenIssuer } from '../../tokens/token-issuer';
import { announceAppPresence } from '../../users/app-presence';
import type { User } from '../../users/user';
import { UserRepository } from '../../users/user.repository';
import { AttemptLimiter } from '../attempt-limits';
import { DEVICE_BINDING_POLICY, DeviceBindingPolicy } from '../device-binding-policy';
import { DeviceBindingRepository, RefreshTokenRepository, ReplayGuard } from '../device-binding.repository';
import { verifyDeviceProof } from '../device-proof';
import { hashSecret, SecretGenerator } from '../secret-generator';
import type { SessionTokens } from '../session-tokens';

export interface CompleteDeviceBindingCommand {
  readonly bindingId: string;
  /** A device proof (compact JWS, purpose complete-binding) signed with the key given at step 1. */
  readonly proof: string;
  /** Used only when this binding creates the user. */
  readonly displayName?: string;
}

export type CompleteDeviceBindingResult =
  | ({ readonly ok: true; readonly userCreated: boolean; readonly revokedBindingIds: readonly string[] } & SessionTokens)
  | { readonly ok: false; readonly code: 'device-binding-not-confirmed' | 'device-proof-invalid' }
  | { readonly ok: false; readonly code: 'rate-limited'; readonly retryAfterSeconds: number };

/** The name a user gets when the first binding gives none; they can be renamed later. */
export const DEFAULT_DISPLAY_NAME = 'kirim user';

/**
 * Step 3: the device proves it holds the key it registered, and gets tokens bound to it. The user
 * is created on their first binding; binding this device revokes every other device of the user
 * (their refresh tokens at once, their access tokens through the revocation feed). Every binding
 * announces that the user has the app (UserAppPresenceChanged, hasApp true), in the same transaction.
 */
@Injectable()
export class CompleteDeviceBinding {
  private readonly logger = new Logger(CompleteDeviceBinding.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bindings: DeviceBindingRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly replays: ReplayGuard,
    private readonly users: UserRepository,
    private readonly limiter: AttemptLimiter,
    private readonly secrets: SecretGenerator,
    private readonly tokens: TokenIssuer,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(DEVICE_BINDING_POLICY) private readonly policy: DeviceBindingPolicy,
    private readonly defaultAddresses: CreateDefaultPaymentAddress,
  ) {}

  async execute(command: CompleteDeviceBindingCommand): Promise<CompleteDeviceBindingResult> {
    const now = this.clock.now();
    const decision = await this.limiter.attempt(this.policy.completionPerBinding, command.bindingId, now);
    if (!decision.allowed) return { ok: false, code: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds };

    const candidate = await this.bindings.findById(command.bindingId);
    if (!candidate) return { ok: false, code: 'device-binding-not-confirmed' };
    const proof = await verifyDeviceProof(command.proof, { key: candidate.deviceKey, purpose: DEVICE_PROOF_PURPOSES.COMPLETE_BINDING, bindingId: candidate.id, now });
    if (!proof.ok) return { ok: false, code: 'device-proof-invalid' };

    const refreshToken = this.secrets.refreshToken();
    const outcome = await this.transactions.run(async (tx) => {
      const binding = await this.bindings.lockById(tx, command.bindingId);
      if (!binding || binding.status !== 'confirmed' || binding.expiresAt.getTime() <= now.getTime()) return { ok: false as const, code: 'device-binding-not-confirmed' as const };
      // The proof is single-use: kept until it could no longer pass the age check anyway.
      const proofExpiresAt = new Date(now.getTime() + 2 * DEVICE_PROOF_MAX_AGE_SECONDS * 1000);
      if (!(await this.replays.consumeProofJti(tx, binding.id, proof.jti, proofExpiresAt))) return { ok: false as const, code: 'device-proof-invalid' as const };

      const { user, created } = await this.userFor(tx, binding.phone, command.displayName);
      // The user row lock (taken in userFor) serializes two devices of one user binding at once.
      const revokedBindingIds = await this.bindings.revoke(tx, await this.bindings.activeIdsOfUser(tx, user.id, binding.id), now, 'replaced-by-new-device');
      await this.bindings.activate(tx, binding.id, user.id, now);
      // On every binding, not only the first or one after a sign-out: consumers keep the newest by changedAt.
      await announceAppPresence(tx, this.users, user, true, now);
      await this.refreshTokens.insert(tx, {
        id: this.ids.uuid(),
        bindingId: binding.id,
        tokenHash: hashSecret(refreshToken),
        status: 'active',
        issuedAt: now,
        expiresAt: new Date(now.getTime() + this.policy.refreshTokenTtlSeconds * 1000),
      });
      return { ok: true as const, user, created, binding, revokedBindingIds };
    });
    if (!outcome.ok) return outcome;

    // Signed after commit, so no token names a binding that is not active.
    const access = await this.tokens.issueAccessToken(outcome.user.id, { bindingId: outcome.binding.id, boundAt: now, keyThumbprint: outcome.binding.deviceKeyThumbprint });
    this.logger.log({ userId: outcome.user.id, bindingId: outcome.binding.id, userCreated: outcome.created, revoked: outcome.revokedBindingIds.length }, 'device bound');
    return {
      ok: true,
      userCreated: outcome.created,
      revokedBindingIds: outcome.revokedBindingIds,
      userId: outcome.user.id,
      bindingId: outcome.binding.id,
      access,
      refreshToken,
      refreshExpiresIn: this.policy.refreshTokenTtlSeconds,
    };
  }

  /** The phone's user, locked; created (with its UserRegistered event) on the first binding. */
  private async userFor(tx: TransactionScope, phone: string, displayName: string | undefined): Promise<{ user: User; created: boolean }> {
    const existing = await this.users.lockByPhone(tx, phone);
    if (existing) return { user: existing, created: false };
    const user: User = { id: this.ids.uuid(), phone, displayName: displayName ?? DEFAULT_DISPLAY_NAME, createdAt: this.clock.now() };
    if (!(await this.users.insertIfPhoneFree(tx, user))) {
      // Another binding of this phone created the user a moment ago; that one is the user.
      const winner = await this.users.lockByPhone(tx, phone);
      if (!winner) throw new Error('a user row for this phone vanished while binding a device');
      return { user: winner, created: false };
    }
    await this.users.lockById(tx, user.id);
    // Every user is payable from the start: the default address (docs/payment-addresses.md), in the same transaction.
    await this.defaultAddresses.execute(tx, { userId: user.id, phone: user.phone });
    // The phone number stays in identity; the event carries only the id.
    await tx.publish<UserRegistered>({ type: EVENT_TYPES.USER_REGISTERED, key: user.id, data: { userId: user.id, registeredAt: user.createdAt.toISOString() } });
    return { user, created: true };
  }
}
