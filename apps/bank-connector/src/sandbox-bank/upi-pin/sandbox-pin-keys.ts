import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonWebKey } from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';

/** The public half of a bank's PIN key as devices get it (GET /v1/banks). */
export type PinKeyJwk = JsonWebKey & { readonly kid: string; readonly alg: 'ECDH-ES'; readonly use: 'enc' };

interface BankPinKeys {
  readonly current: PinKeyJwk;
  readonly privateKeys: ReadonlyMap<string, KeyObject>;
}

const KID_FILE_PATTERN = /^([A-Z]{4}-pin-[0-9A-Za-z]{1,32})\.pem$/;

/**
 * The sandbox banks' UPI PIN keys (X25519), as deploy/local/sandbox-pin-keys.js writes them:
 * `<dir>/<BANK>/<kid>.pem` for every key the bank still opens PIN blocks with, and
 * `<dir>/<BANK>/current.kid` for the one devices are given. The private keys stay in this object:
 * nothing outside the sandbox banks' PIN check asks for them, and nothing returns them.
 */
export class SandboxPinKeys {
  private constructor(private readonly byBank: ReadonlyMap<string, BankPinKeys>) {}

  static none(): SandboxPinKeys {
    return new SandboxPinKeys(new Map());
  }

  /** Reads every sandbox bank's keys; a bank without a readable current key stops the boot, named. */
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
        byBank.set(bankCode, { current: { ...publicJwk, kid: currentKid, alg: 'ECDH-ES', use: 'enc' }, privateKeys });
      } catch (error) {
        // The message names files, never key material.
        problems.push(`SANDBOX_PIN_KEYS_DIR: no usable PIN key for sandbox bank ${bankCode} in ${bankDir} (${error instanceof Error ? error.message : String(error)}); run deploy/local/sandbox-pin-keys.js ensure`);
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
}
