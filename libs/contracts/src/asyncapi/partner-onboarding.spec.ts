import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { EVENT_TYPES } from '../event-types';
import { kafkaAcls } from '../kafka-acls';
import { parsePartnerRegistry, SCHEME_MAX_ANSWER_TIMEOUT_MS } from '../partner-registry';
import { accountDigest, decryptForBank } from '../trust/bank-encryption';
import { ALL_RESULT_CODES } from '../values/result-codes';
import { ASYNCAPI_DOCUMENT_PATH } from './document-path';
import { EXAMPLE_BANK_CODE, exampleBankEncryptionKey, exampleRecord, ExampleRecord } from './examples';

/**
 * docs/partner-onboarding.md promises a bank's engineers things they will build against: its worked
 * examples, tables and numbers are checked here against the contracts, so the guide cannot drift.
 */
const guide = readFileSync(resolve(__dirname, '../../../../docs/partner-onboarding.md'), 'utf8');
const asyncapi = parse(readFileSync(ASYNCAPI_DOCUMENT_PATH, 'utf8')) as {
  'x-kirim-record-signature': { freshness: { maxAgeMs: number; maxFutureSkewMs: number }; exampleKeys: Record<string, { keys: Record<string, string>[] }> };
};

/** The fenced block right after `<!-- vector:<name> -->`. */
function vector(name: string): string {
  const match = new RegExp(`<!-- vector:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(guide);
  if (!match) throw new Error(`the guide has no vector ${name}`);
  return match[1];
}

/** The rows of the markdown table whose header row starts with `| <first> |`. */
function tableRows(first: string): string[][] {
  const start = guide.indexOf(`| ${first} |`);
  if (start === -1) throw new Error(`no table starting with ${first}`);
  const lines = guide.slice(start).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

const exampleKeys = (): Record<string, string>[] => Object.values(asyncapi['x-kirim-record-signature'].exampleKeys).flatMap((set) => set.keys ?? []);

describe('docs/partner-onboarding.md', () => {
  let request: ExampleRecord;
  let answer: ExampleRecord;

  beforeAll(async () => {
    request = await exampleRecord(EVENT_TYPES.PARTNER_DEBIT_REQUESTED);
    answer = await exampleRecord(EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED);
  });

  it("shows kirim's example request exactly as the AsyncAPI document has it", () => {
    expect(JSON.parse(vector('request-record'))).toEqual({ topic: request.topic, key: request.key, headers: request.headers });
    expect(vector('request-value')).toBe(request.value);
    expect(vector('request-signing-input')).toBe(request.signingInput);
  });

  it("shows the example bank's answer exactly as the AsyncAPI document has it", () => {
    expect(JSON.parse(vector('answer-record'))).toEqual({ topic: answer.topic, key: answer.key, headers: answer.headers });
    expect(vector('answer-value')).toBe(answer.value);
    expect(vector('answer-signing-input')).toBe(answer.signingInput);
  });

  it('publishes the example platform key the document lists', () => {
    const key = JSON.parse(vector('platform-example-key')) as Record<string, string>;
    expect(exampleKeys()).toContainEqual(key);
  });

  it('gives seeds that rebuild the example keys of the document', () => {
    const lines = vector('example-seeds').split('\n');
    expect(lines).toHaveLength(3);
    const prefix = { Ed25519: '302e020100300506032b657004220420', X25519: '302e020100300506032b656e04220420' } as const;
    for (const line of lines) {
      const match = /^(\S+) \((Ed25519|X25519)\): SHA-256\("(.+)"\)$/.exec(line);
      if (!match) throw new Error(`unreadable seed line: ${line}`);
      const [, kid, curve, text] = match;
      const seed = createHash('sha256').update(text, 'utf8').digest();
      const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from(prefix[curve as keyof typeof prefix], 'hex'), seed]), format: 'der', type: 'pkcs8' });
      const x = createPublicKey(privateKey).export({ format: 'jwk' }).x;
      expect({ kid, x }).toEqual({ kid, x: exampleKeys().find((key) => key['kid'] === kid)?.['x'] });
    }
  });

  it('computes accountDigest for the example as the contract does', async () => {
    const fields = Object.fromEntries(vector('account-digest').split('\n').map((line) => line.split('=', 2) as [string, string]));
    expect(fields['requestId']).toBe(request.payload['requestId']);
    expect(await decryptForBank(request.payload['account'] as string, exampleBankEncryptionKey())).toEqual({ accountRef: fields['accountRef'] });
    expect(accountDigest(fields['requestId'], fields['accountRef'])).toBe(fields['accountDigest']);
    expect(answer.payload['accountDigest']).toBe(fields['accountDigest']);
  });

  it("lists exactly the partner user's ACLs", () => {
    const principal = `User:partner-${EXAMPLE_BANK_CODE.toLowerCase()}`;
    const declared = kafkaAcls([EXAMPLE_BANK_CODE])
      .filter((acl) => acl.principal === principal)
      .map((acl) => `${acl.resourceType === 'GROUP' ? 'consumer group' : 'topic'} ${acl.resourceName} ${acl.operation}`)
      .sort();
    const documented = tableRows('resource').flatMap(([resource, name, operations]) =>
      operations.split(',').map((operation) => `${resource} ${name.replace(/`/g, '').replace(' (exact name)', '')} ${operation.trim()}`),
    );
    expect(documented.sort()).toEqual(declared);
  });

  it('names only result codes the contract has', () => {
    const codes = tableRows('code').flatMap(([cell]) => cell.split('/').map((code) => code.replace(/`/g, '').trim()));
    expect(codes.length).toBeGreaterThan(5);
    for (const code of codes) expect(ALL_RESULT_CODES).toContain(code);
  });

  it('states the numbers the contracts use', () => {
    const { freshness } = asyncapi['x-kirim-record-signature'];
    const text = guide.replace(/\s+/g, ' ');
    expect(freshness.maxAgeMs).toBe(5 * 60 * 1000);
    expect(text).toContain('more than 5 minutes old');
    expect(freshness.maxFutureSkewMs).toBe(30 * 1000);
    expect(text).toContain('more than 30 seconds in the future');
    expect(SCHEME_MAX_ANSWER_TIMEOUT_MS).toBe(15_000);
    expect(text).toContain('within 15 s of its request');
  });

  it('shows a registry entry the registry accepts', () => {
    const entry = /```json\n(\{\n {2}"bankCode"[\s\S]*?\n\})\n```/.exec(guide)?.[1];
    if (!entry) throw new Error('no registry entry in the guide');
    const parsed = parsePartnerRegistry(JSON.stringify({ partners: [JSON.parse(entry)] }));
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });
});
