import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldDecrypterFor } from '@kirim/testing';
import { dataEncryptionEnv, kirimHome } from './support/config';
import { databaseRows as rows } from './support/database-rows';
import { readExchanges, readSensitiveValues, RecordedExchange } from './support/run-record';
import { readEveryRecord } from './support/topic-records';

/**
 * After a full test run (the e2e tests and the benchmark; scripts/test-all.sh runs the audits last):
 * the secrets and personal data the run handed to kirim or got from it must not show up where they
 * do not belong. What to look for comes from the run itself: the e2e support wrote down every phone,
 * UPI PIN, PIN block, binding token and session token it made or received, and every HTTP answer it
 * got (support/run-record.ts); full account numbers come from the banks' own tables, as an auditor
 * reads them (the sandbox ledger's encrypted columns opened with bank-connector's data keys).
 *
 * Where each may be:
 * - service logs (.local/logs): none of them, ever;
 * - Kafka records: a PIN block only on a debit request to the payer's bank; nothing else at all;
 * - HTTP answers: a binding token only in the answer to the bind request, session tokens only in the
 *   answers that issue them, a full phone number only to its owner (their own /v1/me) or to the one
 *   who sent it in the request; never a PIN, a PIN block or a full account number.
 *
 * Values are found by pulling candidates out of the text (digit runs, base64url runs, JWT and JWE
 * shapes) and looking them up, so the scan stays linear in the size of what it reads.
 */

/** The only record types that may carry a UPI PIN block (docs/upi-pin.md); dead letters of them are the same records. */
const PIN_BLOCK_TYPES: readonly string[] = ['bank.debit.requested.v1', 'partner.debit.requested.v1'];

/** Answers that hand out session tokens. */
const TOKEN_ISSUING = /^POST \/v1\/(device-bindings\/[^/?]+\/tokens|tokens\/refresh|users|sessions)(\?|$)/;

type Kind = 'phone' | 'account number' | 'UPI PIN' | 'UPI PIN block' | 'binding token' | 'refresh token' | 'access token';

interface Known {
  readonly phones: Map<string, Set<string>>; // digits without '+' -> owners' user ids
  readonly accountNumbers: Set<string>;
  readonly pins: Set<string>;
  readonly pinBlocks: Set<string>;
  readonly bindingTokens: Set<string>;
  readonly refreshTokens: Set<string>;
  readonly accessTokens: Set<string>;
}

interface Finding {
  readonly kind: Kind;
  readonly value: string;
}

async function knownValues(): Promise<Known> {
  const known: Known = { phones: new Map(), accountNumbers: new Set(), pins: new Set(), pinBlocks: new Set(), bindingTokens: new Set(), refreshTokens: new Set(), accessTokens: new Set() };
  const addPhone = (phone: string, owner?: string) => {
    const digits = phone.replace(/^\+/, '');
    const owners = known.phones.get(digits) ?? new Set<string>();
    if (owner !== undefined) owners.add(owner);
    known.phones.set(digits, owners);
  };
  for (const value of readSensitiveValues()) {
    switch (value.kind) {
      case 'phone':
        addPhone(value.value, value.userId);
        break;
      case 'pin':
        known.pins.add(value.value);
        break;
      case 'pin-block':
        known.pinBlocks.add(value.value);
        break;
      case 'binding-token':
        known.bindingTokens.add(value.value);
        break;
      case 'refresh-token':
        known.refreshTokens.add(value.value);
        break;
      case 'access-token':
        known.accessTokens.add(value.value);
        break;
    }
  }
  const decrypt = fieldDecrypterFor(dataEncryptionEnv('bank-connector'));
  for (const row of await rows('kirim_bank_connector', `SELECT account_number_encrypted, mobile_encrypted FROM sandbox_accounts WHERE kind = 'customer'`)) {
    known.accountNumbers.add(decrypt('sandbox_accounts.account_number', row.account_number_encrypted).trim());
    addPhone(decrypt('sandbox_accounts.mobile', row.mobile_encrypted));
  }
  for (const row of await rows('kirim_example_partner', 'SELECT account_number, mobile FROM accounts')) {
    known.accountNumbers.add(row.account_number.trim());
    addPhone(row.mobile);
  }
  return known;
}

/** Every known value in `text`, found through candidates of each value's shape. */
function findIn(text: string, known: Known): Finding[] {
  const found: Finding[] = [];
  for (const [run] of text.matchAll(/\d{9,}/g)) {
    if (known.phones.has(run)) found.push({ kind: 'phone', value: run });
    if (known.accountNumbers.has(run)) found.push({ kind: 'account number', value: run });
  }
  for (const [run] of text.matchAll(/[A-Za-z0-9_-]{40,}/g)) {
    if (known.bindingTokens.has(run)) found.push({ kind: 'binding token', value: run });
    if (known.refreshTokens.has(run)) found.push({ kind: 'refresh token', value: run });
  }
  // JWE compact (five parts) first, then JWS/JWT (three parts) out of what is left.
  const withoutJwe = text.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, (jwe) => {
    if (known.pinBlocks.has(jwe)) found.push({ kind: 'UPI PIN block', value: jwe });
    return ' ';
  });
  for (const [jwt] of withoutJwe.matchAll(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g)) {
    if (known.accessTokens.has(jwt)) found.push({ kind: 'access token', value: jwt });
  }
  // A PIN as a JSON string or after a PIN-ish name; not a length or a count ("content-length":"2580").
  for (const match of text.matchAll(/(?<!length":)"(\d{4,6})"|\bpin[^A-Za-z0-9]{1,4}(\d{4,6})\b/gi)) {
    const pin = match[1] ?? match[2];
    if (known.pins.has(pin)) found.push({ kind: 'UPI PIN', value: pin });
  }
  return found;
}

/** A value as the report shows it: enough to find it again, not enough to reuse it. */
function shown(finding: Finding): string {
  return finding.value.length > 12 ? `${finding.value.slice(0, 6)}…${finding.value.slice(-4)}` : `${finding.value.slice(0, 3)}…`;
}

function logFiles(): string[] {
  const dir = join(kirimHome(), 'logs');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.log') && name !== 'build.log').map((name) => join(dir, name)) : [];
}

function safelyDecoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Whether an HTTP answer may hold this value. */
function allowedInAnswer(finding: Finding, exchange: RecordedExchange, known: Known): boolean {
  const call = `${exchange.method} ${exchange.path}`;
  switch (finding.kind) {
    case 'binding token':
      return exchange.method === 'POST' && exchange.path === '/v1/device-bindings' && exchange.status === 201;
    case 'refresh token':
    case 'access token':
      return TOKEN_ISSUING.test(call) && exchange.status < 300;
    case 'phone': {
      // The owner's own profile, or a number the caller sent in this very request.
      const owners = known.phones.get(finding.value) ?? new Set<string>();
      if (exchange.viewer !== null && owners.has(exchange.viewer)) return true;
      const sent = `${exchange.path}\n${safelyDecoded(exchange.path)}\n${exchange.requestBody ?? ''}`;
      return sent.includes(finding.value);
    }
    case 'account number':
    case 'UPI PIN':
    case 'UPI PIN block':
      return false;
  }
}

describe('sensitive data after a full test run (audit)', () => {
  let known: Known;

  beforeAll(async () => {
    known = await knownValues();
  }, 60_000);

  it('the run left something to audit: recorded values and answers', () => {
    expect(known.phones.size).toBeGreaterThan(0);
    expect(known.pins.size).toBeGreaterThan(0);
    expect(known.pinBlocks.size).toBeGreaterThan(0);
    expect(known.bindingTokens.size).toBeGreaterThan(0);
    expect(known.accountNumbers.size).toBeGreaterThan(0);
    expect(readExchanges().length).toBeGreaterThan(0);
  });

  it('the scan sees what it looks for where it does belong (so that finding nothing elsewhere means something)', () => {
    const exchanges = readExchanges();
    const kindsIn = (texts: string[]) => new Set(texts.flatMap((text) => findIn(text, known).map((finding) => finding.kind)));
    // A user's own profile holds their phone; a bind answer its binding token; a payment request its PIN block.
    expect(kindsIn(exchanges.filter((exchange) => exchange.path === '/v1/me' && exchange.status === 200).map((exchange) => exchange.responseBody))).toContain('phone');
    expect(kindsIn(exchanges.filter((exchange) => exchange.path === '/v1/device-bindings' && exchange.status === 201).map((exchange) => exchange.responseBody))).toContain('binding token');
    expect(kindsIn(exchanges.filter((exchange) => exchange.path === '/v1/payments' && exchange.method === 'POST').map((exchange) => exchange.requestBody ?? ''))).toContain('UPI PIN block');
    expect(kindsIn(exchanges.filter((exchange) => exchange.path === '/v1/tokens/refresh' && exchange.status === 200).map((exchange) => exchange.responseBody))).toEqual(new Set(['refresh token', 'access token']));
    expect(kindsIn(['{"pin":"' + [...known.pins][0] + '"}'])).toContain('UPI PIN');
  });

  it('no service log holds a phone number, account number, UPI PIN, PIN block, binding token or session token', () => {
    const files = logFiles();
    expect(files.length).toBeGreaterThan(0);
    const leaks = new Map<string, number>();
    for (const file of files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      // The example partner is a bank of its own: its customers' numbers are its business (docs/data-at-rest.md); PINs and tokens are not.
      const ownBank = name === 'example-partner.log';
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const finding of findIn(line, known)) {
            if (ownBank && (finding.kind === 'account number' || finding.kind === 'phone')) continue;
            const where = `${finding.kind} in ${name}:${index + 1} (${shown(finding)})`;
            leaks.set(where, (leaks.get(where) ?? 0) + 1);
          }
          // A UPI PIN block of any origin: no log has a reason to hold one.
          if (/"encryptedPin"\s*:\s*"eyJ/.test(line)) leaks.set(`encryptedPin field in ${name}:${index + 1}`, 1);
        });
    }
    expect([...leaks.keys()].slice(0, 50)).toEqual([]);
  });

  it('no Kafka record holds a phone number, account number, UPI PIN or token, nor a PIN block outside a debit request', async () => {
    const leaks: string[] = [];
    const records = await readEveryRecord(({ where, type, text }) => {
      for (const finding of findIn(text, known)) {
        if (finding.kind === 'UPI PIN block' && PIN_BLOCK_TYPES.includes(type)) continue;
        leaks.push(`${finding.kind} in ${where} (${type || 'no ce_type'}): ${shown(finding)}`);
      }
    });
    console.log(`scanned ${records} records for ${known.phones.size} phones, ${known.accountNumbers.size} account numbers, ${known.pinBlocks.size} PIN blocks, ${known.bindingTokens.size} binding tokens`);
    expect(records).toBeGreaterThan(0);
    expect(leaks.slice(0, 50)).toEqual([]);
  }, 180_000);

  it("no HTTP answer holds a PIN, a PIN block or an account number, nor another user's phone number or someone's token", () => {
    const exchanges = readExchanges();
    const leaks = new Map<string, number>();
    for (const exchange of exchanges) {
      for (const finding of findIn(exchange.responseBody, known)) {
        if (allowedInAnswer(finding, exchange, known)) continue;
        const where = `${finding.kind} in the answer ${exchange.status} to ${exchange.method} ${exchange.path.replace(/\?.*$/, '?…')} (${exchange.via})`;
        leaks.set(where, (leaks.get(where) ?? 0) + 1);
      }
    }
    console.log(`scanned ${exchanges.length} HTTP answers`);
    expect([...leaks.entries()].map(([where, count]) => `${where} ×${count}`).slice(0, 50)).toEqual([]);
  });
});
