import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { validatePayload } from './validation';
import { BANK_CODE_PATTERN } from './values/identifiers';

/**
 * The partner registry: the banks kirim reaches over Kafka, as configuration. Adding a bank is an
 * entry here plus its topic pair, its Kafka user and its keys; no code. bank-connector validates the
 * file at boot (a bad entry stops it, naming the entry), and the topic and ACL provisioning reads
 * the bank codes from the same file.
 */

/** UPI's pay timeout (NPCI, 2025): a bank must answer a leg within 15 s. */
export const SCHEME_MAX_ANSWER_TIMEOUT_MS = 15_000;

/** The longest a discovery request may wait on one partner's account lookup. */
export const MAX_LOOKUP_TIMEOUT_MS = 4_000;

/** Where a bank's public keys (signing, `use: sig`; encryption, `use: enc`) are published: one of the two. */
export class PartnerJwksLocation {
  /** A JWKS file, relative to PARTNER_JWKS_DIR (or absolute). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  file?: string;

  /** A JWKS URL; https only (the bank's keys must not be swappable in transit). */
  @IsOptional()
  @Matches(/^https:\/\/[^\s]+$/, { message: 'jwks.url must be an https:// URL' })
  @MaxLength(500)
  url?: string;
}

export class PartnerBankEntry {
  @Matches(BANK_CODE_PATTERN, { message: 'bankCode must be four capital letters' })
  bankCode!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => PartnerJwksLocation)
  jwks!: PartnerJwksLocation;

  /** How long the bank may take to answer a leg; at most the scheme's 15 s. Slower answers are still applied, and logged. */
  @IsInt()
  @Min(100)
  @Max(SCHEME_MAX_ANSWER_TIMEOUT_MS)
  answerTimeoutMs: number = SCHEME_MAX_ANSWER_TIMEOUT_MS;

  /**
   * How long an account lookup waits for the bank before answering without its accounts. At most
   * 4 s: identity waits 6 s for bank-connector's whole answer (apps/identity, BANK_CONNECTOR_TIMEOUT_MS).
   */
  @IsInt()
  @Min(100)
  @Max(MAX_LOOKUP_TIMEOUT_MS)
  lookupTimeoutMs: number = 2_000;
}

export class PartnerRegistryFile {
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PartnerBankEntry)
  partners!: PartnerBankEntry[];
}

export type PartnerRegistryParse = { readonly ok: true; readonly registry: PartnerRegistryFile } | { readonly ok: false; readonly errors: string[] };

/**
 * Parses and validates a registry file's text. Besides the field rules: every bank has exactly one
 * JWKS location, no code appears twice, and none is taken by a built-in sandbox bank.
 */
export function parsePartnerRegistry(text: string, reservedBankCodes: readonly string[] = []): PartnerRegistryParse {
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    return { ok: false, errors: ['the partner registry is not valid JSON'] };
  }
  // `$comment` is allowed at the top for a human note; everything else must be known.
  if (plain && typeof plain === 'object' && !Array.isArray(plain)) {
    const { $comment: _comment, ...rest } = plain as Record<string, unknown>;
    plain = rest;
  }
  const parsed = validatePayload(PartnerRegistryFile, plain);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const errors: string[] = [];
  const seen = new Set<string>();
  parsed.value.partners.forEach((partner, index) => {
    const where = `partners.${index} (${partner.bankCode})`;
    if (seen.has(partner.bankCode)) errors.push(`${where}: bank code appears twice`);
    seen.add(partner.bankCode);
    if (reservedBankCodes.includes(partner.bankCode)) errors.push(`${where}: bank code is a built-in sandbox bank`);
    if ((partner.jwks.file === undefined) === (partner.jwks.url === undefined)) errors.push(`${where}: jwks needs exactly one of "file" or "url"`);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, registry: parsed.value };
}
