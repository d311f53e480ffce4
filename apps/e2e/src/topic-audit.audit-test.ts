import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { OBSERVER_GROUP_PREFIX, OBSERVER_PRINCIPAL, topicCatalogueWithPartners } from '@kirim/contracts';
import { fieldDecrypterFor, testDatabaseServerUrl, testKafkaSasl } from '@kirim/testing';
import { dataEncryptionEnv, kafkaBrokers, partnerBankCodes } from './support/config';

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

async function rows(database: string, sql: string): Promise<Record<string, string>[]> {
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(sql)).rows;
  } finally {
    await client.end();
  }
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
    const kafka = new Kafka({ clientId: 'kirim-topic-audit', brokers: kafkaBrokers(), sasl: testKafkaSasl(OBSERVER_PRINCIPAL), logLevel: logLevel.WARN });
    const admin = kafka.admin();
    await admin.connect();
    const remaining = new Map<string, bigint>();
    for (const topic of topics) {
      for (const entry of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(entry.high) > BigInt(entry.low)) remaining.set(`${topic}/${entry.partition}`, BigInt(entry.high));
      }
    }
    await admin.disconnect();

    const found: string[] = [];
    let records = 0;
    const consumer = kafka.consumer({ groupId: `${OBSERVER_GROUP_PREFIX}audit-${randomUUID()}`, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      if (remaining.size === 0) resolve();
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          records += 1;
          const parts = [message.key?.toString('utf8') ?? '', message.value?.toString('utf8') ?? '', ...Object.values(message.headers ?? {}).map((value) => String(value))];
          const text = parts.join('\n');
          for (const secret of secrets) {
            if (needles(secret).some((needle) => text.includes(needle))) found.push(`${secret.kind} in ${topic}/${partition}@${message.offset}`);
          }
          // The UPI PIN block belongs on a debit request to the payer's bank and on nothing else (docs/upi-pin.md).
          const type = message.headers?.['ce_type']?.toString() ?? '';
          if (text.includes('"encryptedPin"') && !PIN_BLOCK_TYPES.includes(type)) found.push(`UPI PIN block in ${topic}/${partition}@${message.offset} (${type || 'no ce_type'})`);
          const key = `${topic}/${partition}`;
          if (remaining.has(key) && BigInt(message.offset) + 1n >= (remaining.get(key) ?? 0n)) remaining.delete(key);
          if (remaining.size === 0) resolve();
        },
      });
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`topics not read to their end within 120 s: ${[...remaining.keys()].join(', ')}`)), 120_000)))]);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }

    console.log(`audited ${records} records on ${topics.length} topics against ${secrets.length} values`);
    expect(records).toBeGreaterThan(0);
    expect(found).toEqual([]);
  }, 180_000);
});
