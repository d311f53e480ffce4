import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEVICE_PROOF_MAX_AGE_SECONDS, DEVICE_PROOF_PURPOSES } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { TokenIssuer } from '../../tokens/token-issuer';
import { DEVICE_BINDING_POLICY, DeviceBindingPolicy } from '../device-binding-policy';
import { DeviceBindingRepository, RefreshTokenRepository, ReplayGuard } from '../device-binding.repository';
import { verifyDeviceProof } from '../device-proof';
import { hashSecret, refreshTokenProofHash, SecretGenerator } from '../secret-generator';
import type { SessionTokens } from '../session-tokens';

export interface RefreshSessionCommand {
  readonly refreshToken: string;
  /** A device proof (purpose refresh, `rth` = SHA-256 of the refresh token) by the bound device's key. */
  readonly proof: string;
}

export type RefreshSessionResult =
  | ({ readonly ok: true } & SessionTokens)
  | { readonly ok: false; readonly code: 'refresh-token-invalid' | 'device-proof-invalid' }
  /** A rotated token came back: someone holds a copy. The binding is revoked (committed). */
  | { readonly ok: false; readonly code: 'refresh-token-reused'; readonly revokedBindingId: string };

/**
 * Exchanges a refresh token for a new access token and a new refresh token. Refresh tokens rotate
 * on every use; a rotated one presented again means two parties hold it (one of them a thief), and
 * nobody can tell which, so the whole binding is revoked (OAuth 2.0 Security BCP, refresh token
 * reuse detection). Every refresh also needs a fresh proof by the device key, so a stolen refresh
 * token alone is useless.
 */
@Injectable()
export class RefreshSession {
  private readonly logger = new Logger(RefreshSession.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bindings: DeviceBindingRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly replays: ReplayGuard,
    private readonly secrets: SecretGenerator,
    private readonly tokens: TokenIssuer,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(DEVICE_BINDING_POLICY) private readonly policy: DeviceBindingPolicy,
  ) {}

  async execute(command: RefreshSessionCommand): Promise<RefreshSessionResult> {
    const now = this.clock.now();
    const nextRefreshToken = this.secrets.refreshToken();
    const outcome = await this.transactions.run(async (tx) => {
      const presented = await this.refreshTokens.lockByHash(tx, hashSecret(command.refreshToken));
      if (!presented) return { ok: false as const, code: 'refresh-token-invalid' as const };
      const binding = await this.bindings.lockById(tx, presented.bindingId);
      if (!binding) return { ok: false as const, code: 'refresh-token-invalid' as const };
      if (presented.status === 'rotated') {
        await this.bindings.revoke(tx, [binding.id], now, 'refresh-token-reused');
        return { ok: false as const, code: 'refresh-token-reused' as const, revokedBindingId: binding.id };
      }
      if (presented.status !== 'active' || presented.expiresAt.getTime() <= now.getTime() || binding.status !== 'active' || binding.userId === null || binding.boundAt === null) {
        return { ok: false as const, code: 'refresh-token-invalid' as const };
      }
      const proof = await verifyDeviceProof(command.proof, {
        key: binding.deviceKey,
        purpose: DEVICE_PROOF_PURPOSES.REFRESH,
        bindingId: binding.id,
        now,
        claims: { rth: refreshTokenProofHash(command.refreshToken) },
      });
      if (!proof.ok) return { ok: false as const, code: 'device-proof-invalid' as const };
      const proofExpiresAt = new Date(now.getTime() + 2 * DEVICE_PROOF_MAX_AGE_SECONDS * 1000);
      if (!(await this.replays.consumeProofJti(tx, binding.id, proof.jti, proofExpiresAt))) return { ok: false as const, code: 'device-proof-invalid' as const };

      await this.refreshTokens.markRotated(tx, presented.id, now);
      await this.refreshTokens.insert(tx, {
        id: this.ids.uuid(),
        bindingId: binding.id,
        tokenHash: hashSecret(nextRefreshToken),
        status: 'active',
        issuedAt: now,
        expiresAt: new Date(now.getTime() + this.policy.refreshTokenTtlSeconds * 1000),
      });
      return { ok: true as const, userId: binding.userId, bindingId: binding.id, boundAt: binding.boundAt, keyThumbprint: binding.deviceKeyThumbprint };
    });
    if (!outcome.ok) {
      if (outcome.code === 'refresh-token-reused') this.logger.warn({ bindingId: outcome.revokedBindingId }, 'rotated refresh token reused; device binding revoked');
      return outcome;
    }
    const access = await this.tokens.issueAccessToken(outcome.userId, { bindingId: outcome.bindingId, boundAt: outcome.boundAt, keyThumbprint: outcome.keyThumbprint });
    return { ok: true, userId: outcome.userId, bindingId: outcome.bindingId, access, refreshToken: nextRefreshToken, refreshExpiresIn: this.policy.refreshTokenTtlSeconds };
  }
}
