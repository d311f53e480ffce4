import type { JWK } from 'jose';

/**
 * A device's binding to a phone number (docs/device-binding.md):
 * pending (waiting for the SMS) -> confirmed (the SMS came from the phone's SIM) -> active (the
 * device proved it holds its key and got tokens) -> revoked (a newer device, a reused refresh token, or
 * the user signed out on it).
 * `phone` is personal data: it stays inside identity (never logged in full, never in events).
 */
export type DeviceBindingStatus = 'pending' | 'confirmed' | 'active' | 'revoked';

export interface DeviceBinding {
  readonly id: string;
  readonly phone: string;
  readonly deviceId: string;
  /** The device's EC P-256 public key (JWK: kty, crv, x, y only). */
  readonly deviceKey: JWK;
  /** Its RFC 7638 thumbprint, the `cnf.jkt` of every access token issued to this binding. */
  readonly deviceKeyThumbprint: string;
  /** SHA-256 (hex) of the one-time binding token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly status: DeviceBindingStatus;
  readonly userId: string | null;
  readonly createdAt: Date;
  /** The binding token's (and the whole flow's) deadline. */
  readonly expiresAt: Date;
  readonly confirmedAt: Date | null;
  /** When the device was bound: the `dbt` claim, the start of the new-device cooling period. */
  readonly boundAt: Date | null;
  readonly revokedAt: Date | null;
}

export type RevocationReason = 'replaced-by-new-device' | 'refresh-token-reused' | 'signed-out';

export interface RefreshToken {
  readonly id: string;
  readonly bindingId: string;
  /** SHA-256 (hex) of the opaque token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly status: 'active' | 'rotated' | 'revoked';
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export interface BindingRevocation {
  readonly position: string;
  readonly bindingId: string;
  readonly revokedAt: Date;
}

/** The last four digits only, for logs and support: "+91******3210". */
export function maskPhone(phone: string): string {
  return phone.length <= 7 ? '***' : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}
