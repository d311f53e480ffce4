import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonWebKey, parsePinVerificationKeys, UpiPinVerifier } from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';

/** The public half of a bank's PIN key as devices get it (GET /v1/banks). */
export type PinKeyJwk = JsonWebKey & { readonly kid: string; readonly alg: 'ECDH-ES'; readonly use: 'enc' };

interface BankPinKeys {
  readonly current: PinKeyJwk;
  readonly privateKeys: ReadonlyMap<string, KeyObject>;
  readonly verifier: UpiPinVerifier;
}

const KID_FILE_PATTERN = /^([A-Z]{4}-pin-[0-9A-Za-z]{1,32})\.pem$/;

/** Beside the PIN keys: `<keyId> <key, base64url>` per line, the last current (parsePinVerificationKeys). */
export const PIN_VERIFICATION_KEYS_FILE = 'pin-verification.keys';

/**
 * The sandbox banks' UPI PIN keys, as deploy/local/sandbox-pin-keys.js writes them, one folder per
 * bank (one Secret per bank in Kubernetes, so the folder stays flat):
 * - `<dir>/<BANK>/<kid>.pem` (X25519) for every key the bank still opens PIN blocks with, and
 *   `<dir>/<BANK>/current.kid` for the one devices are given;
 * - `<dir>/<BANK>/pin-verification.keys`: the bank's PIN verification keys (docs/upi-pin.md), which
 *   its stored PIN hashes are made with, kept out of the database as an HSM keeps them.
 * The private and secret keys stay in this object: nothing outside the sandbox banks' PIN checks asks
 * for them, and nothing returns them.
 */
export class SandboxPinKeys {
  private constructor(private readonly byBank: ReadonlyMap<string, BankPinKeys>) {}

  static none(): SandboxPinKeys {
    return new SandboxPinKeys(new Map());
  }

  /**
   * Reads every sandbox bank's keys; a bank without a readable current PIN key, or without PIN
   * verification keys, stops the boot with a ConfigError naming the bank and the file.
   */
  static load(dir: string, bankCodes: readonly string[]): SandboxPinKeys {
    const byBank = new Map<string, BankPinKeys>();
    const problems: string[] = [];
    for (const bankCode of bankCodes) {
      const bankDir = join(dir, bankCode);
      try {
        const privateKeys = new Map<string, KeyObject>();
        for (const file of readdirSync(bankDir)) {
          const kid = KID_FILE_PATTERN.exec(file)?.[1];
          if (!kid || !kid.startsWith(`${bankCode}-`)) continue;
          const key = createPrivateKey(readFileSync(join(bankDir, file), 'utf8'));
          if (key.asymmetricKeyType !== 'x25519') throw new Error(`${file} is not an X25519 key`);
          privateKeys.set(kid, key);
        }
        const currentKid = readFileSync(join(bankDir, 'current.kid'), 'utf8').trim();
        const current = privateKeys.get(currentKid);
        if (!current) throw new Error(`current.kid names ${currentKid}, which has no key file`);
        const publicJwk = createPublicKey(current).export({ format: 'jwk' }) as JsonWebKey;
        byBank.set(bankCode, { current: { ...publicJwk, kid: currentKid, alg: 'ECDH-ES', use: 'enc' }, privateKeys, verifier: loadVerifier(bankDir) });
      } catch (error) {
        // The message names files, never key material.
        problems.push(`SANDBOX_PIN_KEYS_DIR: no usable PIN keys for sandbox bank ${bankCode} in ${bankDir} (${error instanceof Error ? error.message : String(error)}); run deploy/local/sandbox-pin-keys.js ensure`);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return new SandboxPinKeys(byBank);
  }

  /** The key devices encrypt this bank's PINs for; undefined when the bank has none (no PIN can be checked). */
  publicKeyOf(bankCode: string): PinKeyJwk | undefined {
    return this.byBank.get(bankCode)?.current;
  }

  /** The private key a PIN block's `kid` names, current or not yet retired. */
  privateKeyFor(bankCode: string, kid: string): KeyObject | undefined {
    return this.byBank.get(bankCode)?.privateKeys.get(kid);
  }

  /**
   * The bank's PIN hasher under its PIN verification keys. Every bank that opens PIN blocks has one
   * (load refuses a bank without): asking for one of a bank with no PIN keys is a bug.
   */
  pinVerifierOf(bankCode: string): UpiPinVerifier {
    const verifier = this.byBank.get(bankCode)?.verifier;
    if (!verifier) throw new Error(`sandbox bank ${bankCode} has no PIN verification key loaded`);
    return verifier;
  }
}

function loadVerifier(bankDir: string): UpiPinVerifier {
  const file = join(bankDir, PIN_VERIFICATION_KEYS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`no PIN verification key: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  return new UpiPinVerifier(parsePinVerificationKeys(text, file));
}
