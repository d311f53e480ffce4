import { calculateJwkThumbprint, importJWK, type JWK, jwtVerify } from 'jose';
import { DEVICE_PROOF_AUDIENCE, DEVICE_PROOF_MAX_AGE_SECONDS, DEVICE_PROOF_TYPE, DeviceProofPurpose } from '@kirim/contracts';

export type DeviceKeyCheck = { readonly ok: true; readonly key: JWK; readonly thumbprint: string } | { readonly ok: false; readonly reason: string };

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Accepts only an EC P-256 public JWK (the key ES256 proofs are verified with), reduced to the
 * members RFC 7638 hashes. A JWK carrying private members (`d`) is refused: a client that sends
 * its private key has leaked it.
 */
export async function checkDevicePublicKey(jwk: unknown): Promise<DeviceKeyCheck> {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return { ok: false, reason: 'devicePublicKey must be a JWK object' };
  const { kty, crv, x, y, d } = jwk as Record<string, unknown>;
  if (d !== undefined) return { ok: false, reason: 'devicePublicKey must not contain the private key ("d")' };
  if (kty !== 'EC' || crv !== 'P-256') return { ok: false, reason: 'devicePublicKey must be an EC P-256 key (kty "EC", crv "P-256")' };
  // P-256 coordinates are 32 bytes: 43 base64url characters.
  if (typeof x !== 'string' || typeof y !== 'string' || x.length !== 43 || y.length !== 43 || !B64URL.test(x) || !B64URL.test(y)) {
    return { ok: false, reason: 'devicePublicKey x and y must be 32-byte base64url coordinates' };
  }
  const key: JWK = { kty, crv, x, y };
  try {
    // Importing checks the point is on the curve.
    await importJWK(key, 'ES256');
  } catch {
    return { ok: false, reason: 'devicePublicKey is not a valid P-256 public key' };
  }
  return { ok: true, key, thumbprint: await calculateJwkThumbprint(key, 'sha256') };
}

export interface ExpectedProof {
  readonly key: JWK;
  readonly purpose: DeviceProofPurpose;
  /** The binding the proof must name in `sub`. */
  readonly bindingId: string;
  readonly now: Date;
  /** Extra claims that must match exactly (the refresh token hash `rth`). */
  readonly claims?: Readonly<Record<string, string>>;
}

export type ProofCheck = { readonly ok: true; readonly jti: string } | { readonly ok: false; readonly reason: string };

/**
 * Checks a device proof: a compact JWS (typ kirim-device-proof+jwt, ES256) signed by the bound
 * device's key, for identity, for this purpose and binding, at most DEVICE_PROOF_MAX_AGE_SECONDS
 * old, with a jti (the caller records it so the proof cannot be replayed). jose does the JWS work.
 */
export async function verifyDeviceProof(proof: string, expected: ExpectedProof): Promise<ProofCheck> {
  let payload: Record<string, unknown>;
  try {
    const key = await importJWK(expected.key, 'ES256');
    ({ payload } = await jwtVerify(proof, key, {
      algorithms: ['ES256'],
      typ: DEVICE_PROOF_TYPE,
      audience: DEVICE_PROOF_AUDIENCE,
      subject: expected.bindingId,
      requiredClaims: ['iat', 'jti'],
      maxTokenAge: DEVICE_PROOF_MAX_AGE_SECONDS,
      // A device clock a little ahead must not make a fresh proof "issued in the future".
      clockTolerance: 30,
      currentDate: expected.now,
    }));
  } catch (error: unknown) {
    return { ok: false, reason: error instanceof Error ? error.message : 'the proof is not a valid JWS' };
  }
  if (payload['purpose'] !== expected.purpose) return { ok: false, reason: 'the proof is for another purpose' };
  for (const [claim, value] of Object.entries(expected.claims ?? {})) {
    if (payload[claim] !== value) return { ok: false, reason: `the proof claim "${claim}" does not match` };
  }
  const jti = payload['jti'];
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 128) return { ok: false, reason: 'the proof jti must be 8 to 128 characters' };
  return { ok: true, jti };
}
