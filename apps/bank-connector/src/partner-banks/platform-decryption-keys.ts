import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSONWebKeySetLike, JsonWebKey, PLATFORM_DECRYPTING_PRINCIPAL, PlatformDecryptionKeys, platformKeyId, principalOfPlatformKeyId } from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';

/** `<label>.pem` in MESSAGE_DECRYPTION_KEYS_DIR holds the private key of kid `bank-connector:<label>`. */
const KEY_FILE_PATTERN = /^([A-Za-z0-9._-]{1,64})\.pem$/;

export interface PlatformDecryptionKeysSource {
  /** MESSAGE_DECRYPTION_KEYS_DIR. */
  readonly dir?: string;
  /** MESSAGE_TRUSTED_KEYS_FILE: the platform JWKS partners encrypt for. */
  readonly platformJwksFile?: string;
  /** The registry's partner banks: with none, no answer can come and no key is needed. */
  readonly partnerBankCodes: readonly string[];
}

function sameKey(a: JsonWebKey, b: JsonWebKey): boolean {
  return a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y;
}

/**
 * bank-connector's private encryption keys, read and checked once at boot: holder names in partner
 * lookup answers are encrypted for them (libs/contracts/src/trust/platform-encryption.ts). The boot
 * stops, naming the variable and the file (never key material), when a partner bank is registered
 * and there is no key, when a key is unreadable, or when the platform JWKS publishes an encryption
 * key of bank-connector whose private half is not here (partners would encrypt for a key no one holds).
 */
export function loadPlatformDecryptionKeys(source: PlatformDecryptionKeysSource): PlatformDecryptionKeys {
  const principal = PLATFORM_DECRYPTING_PRINCIPAL;
  if (!source.dir) {
    if (source.partnerBankCodes.length === 0) return PlatformDecryptionKeys.fromPem(principal, []);
    throw new ConfigError([`MESSAGE_DECRYPTION_KEYS_DIR is required: partner banks (${source.partnerBankCodes.join(', ')}) encrypt holder names for ${principal}'s key`]);
  }
  const problems: string[] = [];
  const pems: { kid: string; pem: string }[] = [];
  const publicByKid = new Map<string, JsonWebKey>();
  let files: string[] = [];
  try {
    files = readdirSync(source.dir).sort();
  } catch (error) {
    throw new ConfigError([`MESSAGE_DECRYPTION_KEYS_DIR: cannot read ${source.dir} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}); run deploy/local/message-keys.ts ensure`]);
  }
  for (const file of files) {
    const label = KEY_FILE_PATTERN.exec(file)?.[1];
    if (!label) continue;
    const kid = platformKeyId(principal, label);
    try {
      const pem = readFileSync(join(source.dir, file), 'utf8');
      publicByKid.set(kid, createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' }) as JsonWebKey);
      pems.push({ kid, pem });
    } catch {
      problems.push(`MESSAGE_DECRYPTION_KEYS_DIR: ${join(source.dir, file)} is not a readable PKCS#8 PEM private key`);
    }
  }
  let keys: PlatformDecryptionKeys | undefined;
  try {
    keys = PlatformDecryptionKeys.fromPem(principal, pems);
  } catch (error) {
    problems.push(`MESSAGE_DECRYPTION_KEYS_DIR: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (pems.length === 0) problems.push(`MESSAGE_DECRYPTION_KEYS_DIR: no <label>.pem key in ${source.dir}; run deploy/local/message-keys.ts ensure`);
  if (source.platformJwksFile) {
    let jwks: JSONWebKeySetLike | undefined;
    try {
      jwks = JSON.parse(readFileSync(source.platformJwksFile, 'utf8')) as JSONWebKeySetLike;
    } catch {
      problems.push(`MESSAGE_TRUSTED_KEYS_FILE: ${source.platformJwksFile} cannot be read as JSON`);
    }
    const published = (jwks?.keys ?? []).filter((jwk) => jwk.use === 'enc' && typeof jwk.kid === 'string' && principalOfPlatformKeyId(jwk.kid) === principal);
    if (published.length === 0 && source.partnerBankCodes.length > 0) {
      problems.push(`MESSAGE_TRUSTED_KEYS_FILE: the platform JWKS publishes no encryption key of ${principal} ("use": "enc"), so partner banks cannot encrypt holder names for it`);
    }
    for (const jwk of published) {
      const held = publicByKid.get(jwk.kid as string);
      if (!held) problems.push(`MESSAGE_DECRYPTION_KEYS_DIR: the platform JWKS publishes encryption key ${jwk.kid as string}, but ${source.dir} holds no private key for it`);
      else if (!sameKey(held, jwk)) problems.push(`MESSAGE_DECRYPTION_KEYS_DIR: the private key of ${jwk.kid as string} is not the one the platform JWKS publishes under that kid`);
    }
  }
  if (problems.length > 0 || !keys) throw new ConfigError(problems);
  return keys;
}
