import { createHash } from 'node:crypto';
import { compactDecrypt, decodeProtectedHeader, KeyLike } from 'jose';
import { Money } from '../values/money';
import { RESULT_CODES, ResultCode } from '../values/result-codes';
import { encryptForBank } from './bank-encryption';
import type { BankEncryptionKey } from './message-keys';

/**
 * The UPI PIN block (docs/upi-pin.md): the device encrypts the PIN for the payer's bank alone, with
 * the bank's published PIN key (a compact JWE: ECDH-ES key agreement, A256GCM, the key's `kid` in the
 * header), and binds it to what it authorizes: its purpose, for a payment the amount, and the time it
 * was typed. kirim passes the ciphertext through; only the bank decrypts it and checks the binding
 * before it checks the PIN, so a captured ciphertext authorizes nothing else: not another amount, not
 * later, not a PIN change. The bank also takes each PIN block once only.
 */

/** A UPI PIN is 4 or 6 digits (NPCI; the issuing bank decides which). */
export const UPI_PIN_PATTERN = /^(\d{4}|\d{6})$/;

export const PIN_BLOCK_PURPOSES = ['pay', 'set-pin', 'change-pin'] as const;
export type PinBlockPurpose = (typeof PIN_BLOCK_PURPOSES)[number];

/**
 * How long after it was typed a PIN block is taken: long enough for a debit request to reach the bank
 * through the outbox and the broker under load, short enough that a captured one is soon worthless.
 */
export const PIN_BLOCK_MAX_AGE_SECONDS = 300;

/** Devices' clocks drift: a PIN block dated up to this far in the future is still taken. */
export const PIN_BLOCK_MAX_FUTURE_SKEW_SECONDS = 60;

/** UPI: three wrong PINs lock the PIN (Z6) until it is reset. */
export const UPI_PIN_MAX_TRIES = 3;

/**
 * The longest encrypted PIN accepted anywhere: a PIN block is about 400 characters as a compact JWE
 * (most of it the ephemeral key); anything far longer is not one.
 */
export const MAX_ENCRYPTED_PIN_LENGTH = 2048;

/** A compact JWE with direct key agreement: five base64url parts, the second (encrypted key) empty. */
export const ENCRYPTED_PIN_PATTERN = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function isEncryptedPinShape(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ENCRYPTED_PIN_LENGTH && ENCRYPTED_PIN_PATTERN.test(value);
}

/** A payment: the PIN authorizes a debit of exactly `amount`. `iat` is Unix seconds. */
export interface PayPinBlock {
  readonly purpose: 'pay';
  readonly pin: string;
  readonly amount: { readonly value: string; readonly currency: string };
  readonly iat: number;
}

/** The first PIN of an account (no current PIN to give). */
export interface SetPinBlock {
  readonly purpose: 'set-pin';
  readonly newPin: string;
  readonly iat: number;
}

/** A new PIN, authorized by the current one. */
export interface ChangePinBlock {
  readonly purpose: 'change-pin';
  readonly pin: string;
  readonly newPin: string;
  readonly iat: number;
}

export type PinBlock = PayPinBlock | SetPinBlock | ChangePinBlock;

/** The device's side: the PIN block as a compact JWE for the bank's PIN key. */
export async function encryptPinBlock(block: PinBlock, bankPinKey: BankEncryptionKey): Promise<string> {
  return encryptForBank(block, bankPinKey);
}

/** What the bank expects the PIN block it is given to authorize. */
export type PinBlockExpectation =
  | { readonly purpose: 'pay'; readonly amount: Money; readonly nowSeconds: number }
  | { readonly purpose: 'set-pin'; readonly nowSeconds: number }
  | { readonly purpose: 'change-pin'; readonly nowSeconds: number };

export type OpenedPinBlock<P extends PinBlockPurpose> = Extract<PinBlock, { purpose: P }>;

/** Why a PIN block was not taken; never says anything about the PIN itself. */
export interface PinBlockRefusal {
  readonly ok: false;
  readonly resultCode: ResultCode;
  readonly reason: string;
}

/**
 * The bank's side: decrypts the PIN block with the private key its header's `kid` names (a bank
 * rotating its PIN key keeps the old private key until blocks made for it can no longer arrive) and
 * checks what it is bound to. Refusals: U14 for a block that cannot be used (not for a key of this
 * bank, altered, malformed, another purpose, stale or from the future), U12 for another amount. The
 * PIN is not looked at here; a refused block counts no try.
 */
export async function openPinBlock<E extends PinBlockExpectation>(
  jwe: string,
  privateKeyFor: (kid: string) => KeyLike | undefined,
  expected: E,
): Promise<{ readonly ok: true; readonly block: OpenedPinBlock<E['purpose']>; readonly blockId: string } | PinBlockRefusal> {
  if (!isEncryptedPinShape(jwe)) return invalid('the encrypted PIN is not a compact JWE');
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(jwe).kid;
  } catch {
    return invalid('the encrypted PIN has an unreadable header');
  }
  const key = typeof kid === 'string' ? privateKeyFor(kid) : undefined;
  if (!key) return invalid('the encrypted PIN is not for a PIN key of this bank');
  let parsed: unknown;
  try {
    const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A256GCM'] });
    parsed = JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
  } catch {
    return invalid('the encrypted PIN cannot be decrypted with this bank’s key');
  }
  const checked = checkPinBlock(parsed, expected);
  return checked.ok ? { ok: true, block: checked.block as OpenedPinBlock<E['purpose']>, blockId: pinBlockId(kid as string, jwe) } : checked;
}

/**
 * What a bank remembers of a PIN block it has taken, so that the same block is taken only once:
 * base64url SHA-256 of the key id and the JWE's initialisation vector, as bytes. The IV is random per
 * encryption and authenticated (altering it breaks decryption), and its bytes do not depend on how
 * the base64url was written, so no re-encoding of a captured block passes as a new one. Call it on a
 * block that opened.
 */
export function pinBlockId(kid: string, jwe: string): string {
  const iv = Buffer.from(jwe.split('.')[2] ?? '', 'base64url');
  return createHash('sha256').update(kid, 'utf8').update('\0').update(iv).digest('base64url');
}

/**
 * The id `openPinBlock` gives this JWE if it opens, read without opening it (its header's `kid` and
 * its IV); null when it is not shaped like one. A bank that handles many debits together reads their
 * blocks' earlier uses with these before it opens any: the id says nothing of whether the block opens.
 */
export function pinBlockIdOf(jwe: string): string | null {
  if (!isEncryptedPinShape(jwe)) return null;
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(jwe).kid;
  } catch {
    return null;
  }
  return typeof kid === 'string' ? pinBlockId(kid, jwe) : null;
}

/** The binding checks of `openPinBlock`, on a decrypted block (exported for unit tests and other transports). */
export function checkPinBlock(parsed: unknown, expected: PinBlockExpectation): { readonly ok: true; readonly block: PinBlock } | PinBlockRefusal {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return invalid('the PIN block is not a JSON object');
  const block = parsed as Record<string, unknown>;
  if (block['purpose'] !== expected.purpose) return invalid(`the PIN block is not for ${expected.purpose}`);
  const iat = block['iat'];
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat)) return invalid('the PIN block has no iat (Unix seconds)');
  if (iat < expected.nowSeconds - PIN_BLOCK_MAX_AGE_SECONDS) return invalid('the PIN block has expired');
  if (iat > expected.nowSeconds + PIN_BLOCK_MAX_FUTURE_SKEW_SECONDS) return invalid('the PIN block is dated in the future');
  switch (expected.purpose) {
    case 'pay': {
      if (!isPin(block['pin'])) return invalid('the PIN block has no PIN of 4 or 6 digits');
      const amount = block['amount'];
      const given =
        typeof amount === 'object' && amount !== null
          ? Money.parse({ value: String((amount as Record<string, unknown>)['value']), currency: String((amount as Record<string, unknown>)['currency']) })
          : null;
      if (given === null || Money.isError(given)) return invalid('the PIN block has no amount');
      if (given.currency !== expected.amount.currency || given.minorUnits !== expected.amount.minorUnits) {
        return { ok: false, resultCode: RESULT_CODES.PIN_AMOUNT_MISMATCH, reason: 'the PIN was given for another amount' };
      }
      return { ok: true, block: { purpose: 'pay', pin: block['pin'], amount: given.toDto(), iat } };
    }
    case 'set-pin':
      if (!isPin(block['newPin'])) return invalid('the new PIN must be 4 or 6 digits');
      return { ok: true, block: { purpose: 'set-pin', newPin: block['newPin'], iat } };
    case 'change-pin':
      if (!isPin(block['pin'])) return invalid('the PIN block has no current PIN of 4 or 6 digits');
      if (!isPin(block['newPin'])) return invalid('the new PIN must be 4 or 6 digits');
      return { ok: true, block: { purpose: 'change-pin', pin: block['pin'], newPin: block['newPin'], iat } };
    default: {
      const unhandled: never = expected;
      throw new Error(`unhandled PIN block purpose ${JSON.stringify(unhandled)}`);
    }
  }
}

function isPin(value: unknown): value is string {
  return typeof value === 'string' && UPI_PIN_PATTERN.test(value);
}

function invalid(reason: string): PinBlockRefusal {
  return { ok: false, resultCode: RESULT_CODES.PIN_BLOCK_INVALID, reason };
}
