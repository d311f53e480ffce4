import { topicCatalogueWithPartners } from '@kirim/contracts';
import { fieldDecrypterFor } from '@kirim/testing';
import { dataEncryptionEnv, partnerBankCodes } from './support/config';
import { databaseRows as rows } from './support/database-rows';
import { readEveryRecord } from './support/topic-records';

/**
 * After the end-to-end run and the benchmark: every record on every topic, dead letters included,
 * read from the beginning as the observer, holds no customer's account number, holder name or
 * mobile number in clear — in its key, its value or any header. What the banks hold is read from
 * their own databases (the sandbox ledger's and the example partner's), as an auditor would; the
 * sandbox ledger keeps them encrypted (docs/data-at-rest.md), so the auditor opens them with
 * bank-connector's data keys, and checks that the table itself holds none of them in clear.
 */

interface Secret {
  readonly kind: 'account number' | 'holder name' | 'mobile number';
  readonly text: string;
}

/** What to look for: a number as it is; a name as it is when long, JSON-quoted when short (a short word may occur by chance in base64). */
function needles(secret: Secret): string[] {
  if (secret.kind !== 'holder name' || secret.text.length >= 8 || secret.text.includes(' ')) return [secret.text];
  return [JSON.stringify(secret.text)];
}

/** The only record types that may carry a UPI PIN block: the debit requests to a bank (and their dead letters, the same records). */
const PIN_BLOCK_TYPES: readonly string[] = ['bank.debit.requested.v1', 'partner.debit.requested.v1'];

describe('what the topics hold (audit after the e2e run)', () => {
  it('holds no account number, holder name or mobile number in clear on any topic, and no UPI PIN block outside debit requests', async () => {
    const decrypt = fieldDecrypterFor(dataEncryptionEnv('bank-connector'));
    const sandboxRows = await rows('kirim_bank_connector', `SELECT * FROM sandbox_accounts WHERE kind = 'customer'`);
    const sandbox = sandboxRows.map((row) => ({
      account_number: decrypt('sandbox_accounts.account_number', row.account_number_encrypted),
      holder_name: decrypt('sandbox_accounts.holder_name', row.holder_name_encrypted),
      mobile: decrypt('sandbox_accounts.mobile', row.mobile_encrypted),
    }));
    // At rest: not one of them in clear in the sandbox ledger's own table.
    const stored = JSON.stringify(sandboxRows);
    expect(sandbox.flatMap((row) => [row.account_number, row.mobile, ...(row.holder_name.length >= 8 ? [row.holder_name] : [])]).filter((clear) => stored.includes(clear))).toEqual([]);
    const partner = await rows('kirim_example_partner', `SELECT account_number, holder_name, mobile FROM accounts`);
    const secrets: Secret[] = [...sandbox, ...partner].flatMap((row) => [
      { kind: 'account number' as const, text: row.account_number.trim() },
      { kind: 'holder name' as const, text: row.holder_name },
      // Mobile numbers never travel on a topic at all: account lookups carry them encrypted for the bank.
      { kind: 'mobile number' as const, text: row.mobile.replace(/^\+/, '') },
    ]);
    // The run must have left something to audit: accounts at both kinds of bank.
    expect(sandbox.length).toBeGreaterThan(0);
    expect(partner.length).toBeGreaterThan(0);

    const topics = topicCatalogueWithPartners(partnerBankCodes()).map((topic) => topic.name);
    const found: string[] = [];
    const records = await readEveryRecord(({ where, type, text }) => {
      for (const secret of secrets) {
        if (needles(secret).some((needle) => text.includes(needle))) found.push(`${secret.kind} in ${where}`);
      }
      // The UPI PIN block belongs on a debit request to the payer's bank and on nothing else (docs/upi-pin.md).
      if (text.includes('"encryptedPin"') && !PIN_BLOCK_TYPES.includes(type)) found.push(`UPI PIN block in ${where} (${type || 'no ce_type'})`);
    });

    console.log(`audited ${records} records on ${topics.length} topics against ${secrets.length} values`);
    expect(records).toBeGreaterThan(0);
    expect(found).toEqual([]);
  }, 180_000);
});
