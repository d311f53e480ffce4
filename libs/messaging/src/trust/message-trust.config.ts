import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { DEFAULT_FRESHNESS_WINDOW } from '@kirim/contracts';
import { NODE_ENVS, NodeEnv } from '@kirim/platform';

export const MESSAGE_SIGNATURE_MODES = ['required', 'off'] as const;
export type MessageSignatureMode = (typeof MESSAGE_SIGNATURE_MODES)[number];

/**
 * Signed records (see libs/contracts/src/trust/record-signature.ts), read from the environment and
 * validated at boot. Which of these a service needs follows from the catalogue: a service that emits
 * a signed type needs its signing key, one that consumes a signed topic needs the trusted keys.
 */
export class MessageTrustConfig {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  /**
   * `required` (the default) signs and verifies. `off` exists only to measure what signing costs
   * (docs/benchmarks.md): nothing is signed or verified, and a production service refuses to start.
   */
  @IsIn(MESSAGE_SIGNATURE_MODES, { message: `$property must be one of ${MESSAGE_SIGNATURE_MODES.join(', ')}` })
  MESSAGE_SIGNATURES: MessageSignatureMode = 'required';

  /** This service's record signing key: PKCS#8 PEM, Ed25519 (or EC P-256). A secret. */
  @IsOptional()
  @IsString()
  @MinLength(64, { message: '$property must be a PKCS#8 PEM private key' })
  MESSAGE_SIGNING_KEY?: string;

  /** Its key id, `<service>:<label>`, as listed in the platform JWKS. */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]*:[A-Za-z0-9._-]{1,64}$/, { message: '$property must look like <service>:<label>, e.g. payments:2026-11-30' })
  MESSAGE_SIGNING_KEY_ID?: string;

  /** Path to the platform JWKS: the public record signing keys of every kirim service. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  MESSAGE_TRUSTED_KEYS_FILE?: string;

  /** A signed record older than this (by ce_time) is refused as late: replays of old records end here. */
  @IsInt()
  @Min(10_000)
  @Max(24 * 60 * 60 * 1000)
  MESSAGE_MAX_AGE_MS: number = DEFAULT_FRESHNESS_WINDOW.maxAgeMs;

  /** How far ce_time may lie in the future: clock skew between hosts. */
  @IsInt()
  @Min(0)
  @Max(5 * 60 * 1000)
  MESSAGE_MAX_FUTURE_SKEW_MS: number = DEFAULT_FRESHNESS_WINDOW.maxFutureSkewMs;
}
