import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePartnerRegistry } from '@kirim/contracts';

/** The local stack's partner registry (bank-connector reads the same file as PARTNER_REGISTRY_FILE). */
export const LOCAL_PARTNER_REGISTRY_FILE = resolve(__dirname, '..', 'partner-banks.json');

/**
 * The partner banks' codes, from the registry file: their topics, Kafka users and ACLs follow from
 * them. A registry that does not validate stops provisioning with its errors.
 */
export function partnerBankCodes(file: string = process.env['PARTNER_REGISTRY_FILE'] || LOCAL_PARTNER_REGISTRY_FILE): string[] {
  const parsed = parsePartnerRegistry(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`the partner registry ${file} is invalid: ${parsed.errors.join('; ')}`);
  return parsed.registry.partners.map((partner) => partner.bankCode);
}
