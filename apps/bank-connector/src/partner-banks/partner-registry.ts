import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  BankEncryptionKey,
  bankEncryptionKeyOf,
  JSONWebKeySetLike,
  parsePartnerRegistry,
  PartnerBankEntry,
  partnerPrincipal,
  partnerRequestsTopic,
  partnerResponsesTopic,
  TrustedSigningKeys,
} from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';
import { SANDBOX_BANKS } from '../sandbox-bank/sandbox-banks';

/** A partner bank as bank-connector works with it: the registry entry with its keys loaded. */
export interface PartnerBank {
  readonly bankCode: string;
  readonly name: string;
  /** Its Kafka user and the owner of its signing keys. */
  readonly principal: string;
  readonly requestsTopic: string;
  readonly responsesTopic: string;
  readonly answerTimeoutMs: number;
  readonly lookupTimeoutMs: number;
  /** Account data and mobile numbers for this bank are encrypted for this key alone. */
  readonly encryptionKey: BankEncryptionKey;
}

/** The partner banks of this deployment, validated at boot. */
export class PartnerRegistry {
  private readonly byCode: ReadonlyMap<string, PartnerBank>;

  constructor(
    readonly partners: readonly PartnerBank[],
    /** Each partner's public signing keys, under its principal: answers on its topic must verify with one. */
    readonly signingKeys: TrustedSigningKeys,
  ) {
    this.byCode = new Map(partners.map((partner) => [partner.bankCode, partner]));
  }

  static empty(): PartnerRegistry {
    return new PartnerRegistry([], new TrustedSigningKeys());
  }

  find(bankCode: string): PartnerBank | undefined {
    return this.byCode.get(bankCode);
  }

  bankCodes(): string[] {
    return this.partners.map((partner) => partner.bankCode);
  }

  responsesTopics(): string[] {
    return this.partners.map((partner) => partner.responsesTopic);
  }
}

export interface PartnerRegistrySource {
  readonly PARTNER_REGISTRY_FILE?: string;
  readonly PARTNER_JWKS_DIR?: string;
}

const JWKS_FETCH_TIMEOUT_MS = 5000;

/**
 * Reads and checks the registry and every partner's JWKS (file or https URL). Anything wrong stops
 * the boot with the entry named: a partner whose keys cannot be loaded could neither be paid nor
 * trusted. Keys are read once at boot; a partner rotating keys publishes both, and bank-connector
 * picks up the new set at its next (rolling) restart (docs/partner-onboarding.md).
 */
export async function loadPartnerRegistry(source: PartnerRegistrySource, fetchJwks: (url: string) => Promise<unknown> = fetchJwksOverHttps): Promise<PartnerRegistry> {
  if (!source.PARTNER_REGISTRY_FILE) return PartnerRegistry.empty();
  let text: string;
  try {
    text = await readFile(source.PARTNER_REGISTRY_FILE, 'utf8');
  } catch (error) {
    throw new ConfigError([`PARTNER_REGISTRY_FILE cannot be read: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = parsePartnerRegistry(text, SANDBOX_BANKS.map((bank) => bank.code));
  if (!parsed.ok) throw new ConfigError(parsed.errors.map((error) => `PARTNER_REGISTRY_FILE: ${error}`));
  const jwksDir = source.PARTNER_JWKS_DIR ?? dirname(source.PARTNER_REGISTRY_FILE);
  const partners: PartnerBank[] = [];
  let signingKeys = new TrustedSigningKeys();
  const problems: string[] = [];
  for (const entry of parsed.registry.partners) {
    try {
      const jwks = await loadJwks(entry, jwksDir, fetchJwks);
      const keys = await TrustedSigningKeys.of(partnerPrincipal(entry.bankCode), jwks);
      if (keys.keyIdsOf(partnerPrincipal(entry.bankCode)).length === 0) throw new Error('its JWKS has no signing key (use "sig")');
      signingKeys = signingKeys.merge(keys);
      partners.push({
        bankCode: entry.bankCode,
        name: entry.name,
        principal: partnerPrincipal(entry.bankCode),
        requestsTopic: partnerRequestsTopic(entry.bankCode),
        responsesTopic: partnerResponsesTopic(entry.bankCode),
        answerTimeoutMs: entry.answerTimeoutMs,
        lookupTimeoutMs: entry.lookupTimeoutMs,
        encryptionKey: await bankEncryptionKeyOf(jwks),
      });
    } catch (error) {
      problems.push(`partner ${entry.bankCode}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new PartnerRegistry(partners, signingKeys);
}

async function loadJwks(entry: PartnerBankEntry, jwksDir: string, fetchJwks: (url: string) => Promise<unknown>): Promise<JSONWebKeySetLike> {
  const raw = entry.jwks.url ? await fetchJwks(entry.jwks.url) : JSON.parse(await readFile(jwksPath(entry.jwks.file ?? '', jwksDir), 'utf8'));
  if (!raw || typeof raw !== 'object' || !Array.isArray((raw as { keys?: unknown }).keys)) throw new Error('its JWKS is not an object with a "keys" array');
  return raw as JSONWebKeySetLike;
}

function jwksPath(file: string, jwksDir: string): string {
  return isAbsolute(file) ? file : resolve(jwksDir, file);
}

async function fetchJwksOverHttps(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`its JWKS URL answered ${response.status}`);
  return response.json();
}
