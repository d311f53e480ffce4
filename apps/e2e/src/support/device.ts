import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import { DEVICE_PROOF_AUDIENCE, DEVICE_PROOF_PURPOSES, DEVICE_PROOF_TYPE, DeviceProofPurpose } from '@kirim/contracts';

/**
 * A phone as kirim's clients see it: a device key pair made on the device (the private key never
 * leaves it), an install id, and the number of its SIM. Shared by the e2e tests, the bench and the
 * demo (docs/device-binding.md shows the same steps for a real client).
 */
export interface Device {
  readonly deviceId: string;
  readonly phone: string;
  readonly publicJwk: JWK;
  readonly privateKey: KeyLike;
}

export async function newDevice(phone: string): Promise<Device> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { deviceId: `e2e-${randomUUID()}`, phone, publicJwk: { kty, crv, x, y }, privateKey };
}

/** A device proof: a short-lived JWS by the device key, for one purpose and binding, with a fresh jti. */
export async function deviceProof(
  device: Device,
  bindingId: string,
  purpose: DeviceProofPurpose,
  extraClaims: Record<string, string> = {},
  options: { iat?: number; key?: KeyLike } = {},
): Promise<string> {
  return new SignJWT({ purpose, ...extraClaims })
    .setProtectedHeader({ alg: 'ES256', typ: DEVICE_PROOF_TYPE })
    .setAudience(DEVICE_PROOF_AUDIENCE)
    .setSubject(bindingId)
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .setJti(randomUUID())
    .sign(options.key ?? device.privateKey);
}

/** The proof that goes with a refresh token: it names the token by its SHA-256. */
export function refreshProof(device: Device, bindingId: string, refreshToken: string): Promise<string> {
  return deviceProof(device, bindingId, DEVICE_PROOF_PURPOSES.REFRESH, { rth: createHash('sha256').update(refreshToken, 'utf8').digest('base64url') });
}
