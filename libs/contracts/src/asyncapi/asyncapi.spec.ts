import { readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { parse } from 'yaml';
import { EVENT_CATALOGUE, EventTypeSpec, expectedSigner } from '../event-types';
import { kafkaAccessDeclaration, OBSERVER_PRINCIPAL } from '../kafka-acls';
import { resolveTopic, topicCatalogueWithPartners } from '../topics';
import { decryptForBank, accountDigest } from '../trust/bank-encryption';
import { TrustedSigningKeys } from '../trust/message-keys';
import { PlatformDecryptionKeys, platformEncryptionKeyOf } from '../trust/platform-encryption';
import { SIGNATURE_HEADER, verifyRecordSignature } from '../trust/record-signature';
import { validatePayload } from '../validation';
import { renderAsyncApiYaml } from './asyncapi-document';
import { ASYNCAPI_DOCUMENT_PATH } from './document-path';
import { EXAMPLE_BANK_CODE, exampleBankEncryptionKey, exampleJwks, examplePlatformEncryptionKey, exampleTopicOf } from './examples';
import { cataloguePayloadClasses, validatedPropertiesOf } from './payload-schemas';

type Json = Record<string, unknown>;

// The parser runs Spectral over a 3,000-line document: a few seconds on a small machine.
jest.setTimeout(60_000);

const committed = readFileSync(ASYNCAPI_DOCUMENT_PATH, 'utf8');
const doc = parse(committed) as Json;
const components = doc['components'] as { schemas: Record<string, Json>; messages: Record<string, Json> };
const channels = doc['channels'] as Record<string, Json>;
const operations = doc['operations'] as Record<string, Json>;

function messageOf(spec: EventTypeSpec): Json {
  const found = Object.values(components.messages).find((message) => message['name'] === spec.type);
  if (!found) throw new Error(`no message named ${spec.type}`);
  return found;
}

function channelByAddress(address: string): [string, Json] | undefined {
  return Object.entries(channels).find(([, channel]) => channel['address'] === address);
}

function newAjv(): Ajv {
  // `components` is where the schemas sit in the document, not a JSON Schema keyword.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'https://kirim.dev/asyncapi.json', components: { schemas: components.schemas } });
  return ajv;
}

const ajv = newAjv();
const payloadValidator = (schemaName: string): ValidateFunction => ajv.compile({ $ref: `https://kirim.dev/asyncapi.json#/components/schemas/${schemaName}` });

function payloadSchemaNameOf(spec: EventTypeSpec): string {
  const ref = (messageOf(spec)['payload'] as Json)['$ref'] as string;
  return ref.replace('#/components/schemas/', '');
}

function examplesOf(spec: EventTypeSpec): { headers: Record<string, string>; payload: Json } {
  return (messageOf(spec)['examples'] as { headers: Record<string, string>; payload: Json }[])[0];
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the committed AsyncAPI document (docs/asyncapi.yaml)', () => {
  it('is what the contracts produce: run `npm run asyncapi` after changing them', async () => {
    expect(committed).toBe(await renderAsyncApiYaml());
  });

  it('is AsyncAPI 3.0.0 with zero errors and zero warnings from the official parser', async () => {
    const diagnostics = await new Parser().validate(committed);
    const problems = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    expect(problems.map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(doc['asyncapi']).toBe('3.0.0');
  });

  it('is checked by a parser that does find errors (an operation naming a message outside its channel)', async () => {
    const broken = clone(doc);
    const operation = (broken['operations'] as Record<string, Json>)['paymentsSendBankRequestsV1'];
    operation['messages'] = [{ $ref: '#/channels/identityEventsV1/messages/identityUserRegisteredV1' }];
    const diagnostics = await new Parser().validate(JSON.stringify(broken));
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length).toBeGreaterThan(0);
  });

  it('parses into a model where every catalogue type is a message of its channel', async () => {
    const { document } = await new Parser().parse(committed);
    if (!document) throw new Error('the parser returned no document');
    for (const spec of Object.values(EVENT_CATALOGUE)) {
      const channel = document.channels().all().find((candidate) => candidate.address() === spec.topic);
      expect({ type: spec.type, channel: channel?.address() }).toEqual({ type: spec.type, channel: spec.topic });
      expect(channel?.messages().all().map((message) => message.name())).toContain(spec.type);
    }
  });
});

describe('channels', () => {
  it('has a channel for each catalogue address, holding exactly the types of that topic', () => {
    const addresses = [...new Set(Object.values(EVENT_CATALOGUE).map((spec) => spec.topic))];
    for (const address of addresses) {
      const found = channelByAddress(address);
      expect(found).toBeDefined();
      const [, channel] = found as [string, Json];
      const names = Object.keys(channel['messages'] as Json).map((id) => components.messages[id]['name']);
      const expected = Object.values(EVENT_CATALOGUE)
        .filter((spec) => spec.topic === address)
        .map((spec) => spec.type);
      expect(names).toEqual(expected);
    }
  });

  it('maps every topic of a deployment with partner banks to a channel with its partitions and signing', () => {
    for (const topic of topicCatalogueWithPartners([EXAMPLE_BANK_CODE, 'ABCD'])) {
      const bank = /^partner\.([a-z]{4})\./.exec(topic.name)?.[1];
      const match = Object.values(channels).find((channel) => String(channel['address']).replace('{bank}', bank ?? '{bank}') === topic.name);
      expect({ topic: topic.name, found: match !== undefined }).toEqual({ topic: topic.name, found: true });
      const channel = match as Json;
      expect((channel['bindings'] as { kafka: { partitions: number } }).kafka.partitions).toBe(topic.partitions);
      expect(channel['x-kirim-signed']).toBe(topic.signed);
      if (bank) expect(channel['parameters']).toEqual({ bank: { $ref: '#/components/parameters/bank' } });
    }
  });

  it('has no channel for a topic outside the catalogue', () => {
    const known = new Set(topicCatalogueWithPartners([EXAMPLE_BANK_CODE]).map((topic) => topic.name));
    for (const channel of Object.values(channels)) {
      expect(known.has(String(channel['address']).replace('{bank}', EXAMPLE_BANK_CODE.toLowerCase()))).toBe(true);
    }
  });
});

describe('operations', () => {
  const operationsOf = (principal: string): { action: string; address: string }[] =>
    Object.values(operations)
      .filter((operation) => operation['x-kirim-principal'] === principal)
      .map((operation) => {
        const channelId = ((operation['channel'] as Json)['$ref'] as string).replace('#/channels/', '');
        return { action: operation['action'] as string, address: channels[channelId]['address'] as string };
      });

  it("lets the partner bank receive its requests, send its answers and dead-letter what it refuses", () => {
    expect(operationsOf('partner-{bank}')).toEqual(
      expect.arrayContaining([
        { action: 'receive', address: 'partner.{bank}.requests.v1' },
        { action: 'send', address: 'partner.{bank}.responses.v1' },
        { action: 'send', address: 'partner.{bank}.requests.v1.dlq' },
      ]),
    );
    expect(operationsOf('partner-{bank}')).toHaveLength(3);
  });

  it('has one operation per topic each principal may read or write, as the ACL declaration says', () => {
    const bank = EXAMPLE_BANK_CODE.toLowerCase();
    for (const access of kafkaAccessDeclaration([EXAMPLE_BANK_CODE])) {
      if (access.principal === OBSERVER_PRINCIPAL) continue;
      const principal = access.principal.replace(`partner-${bank}`, 'partner-{bank}');
      const expected = [
        ...access.writes.map((topic) => ({ action: 'send', address: topic.replace(`partner.${bank}.`, 'partner.{bank}.') })),
        ...access.reads.map((topic) => ({ action: 'receive', address: topic.replace(`partner.${bank}.`, 'partner.{bank}.') })),
      ];
      expect(operationsOf(principal)).toEqual(expected);
    }
  });

  it("sends only the types the principal is the catalogue's producer of", () => {
    for (const operation of Object.values(operations)) {
      if (operation['action'] !== 'send') continue;
      for (const ref of operation['messages'] as { $ref: string }[]) {
        const id = ref.$ref.split('/').pop() as string;
        const message = components.messages[id];
        if (id === 'deadLetter') continue;
        expect({ id, producer: message['x-kirim-producer'] }).toEqual({ id, producer: operation['x-kirim-principal'] });
      }
    }
  });
});

describe('messages', () => {
  it.each(Object.values(EVENT_CATALOGUE).map((spec) => [spec.type, spec] as const))('%s names its source, key and signature rule', (_type, spec) => {
    const message = messageOf(spec);
    expect(message['x-kirim-source']).toBe(spec.source);
    expect(message['x-kirim-key-field']).toBe(spec.keyField);
    const key = (message['bindings'] as { kafka: { key: Json } }).kafka.key;
    expect(key['description']).toContain(`data.${spec.keyField}`);
    const headers = message['headers'] as { required: string[]; properties: Record<string, Json> };
    expect(headers.required).toEqual(expect.arrayContaining(['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'content-type']));
    expect(headers.properties['ce_type']['const']).toBe(spec.type);
    const resolved = resolveTopic(exampleTopicOf(spec));
    const signed = resolved !== undefined && expectedSigner(spec, resolved) !== null;
    expect(headers.required.includes(SIGNATURE_HEADER)).toBe(signed);
    expect(message['x-kirim-signed']).toBe(signed);
  });
});

describe('payload schemas', () => {
  const optionalProperties = (cls: new () => object): string[] =>
    getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .filter((meta) => meta.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((meta) => meta.propertyName);

  it.each(cataloguePayloadClasses().map((cls) => [cls.name, cls] as const))("%s: required fields are the class's non-optional properties", (name, cls) => {
    const schema = components.schemas[name];
    const optional = optionalProperties(cls);
    const properties = validatedPropertiesOf(cls);
    expect(Object.keys(schema['properties'] as Json)).toEqual(properties);
    expect(schema['required']).toEqual(properties.filter((property) => !optional.includes(property)));
    expect(schema['additionalProperties']).toBe(false);
  });

  it('describes the nested MoneyDto the same way', () => {
    expect(components.schemas['MoneyDto']['required']).toEqual(['value', 'currency']);
  });
});

describe('examples: the JSON Schema and the contract class agree', () => {
  const specs = Object.values(EVENT_CATALOGUE).map((spec) => [spec.type, spec] as const);

  it.each(specs)('%s: the example payload passes both', (_type, spec) => {
    const { payload } = examplesOf(spec);
    const validate = payloadValidator(payloadSchemaNameOf(spec));
    expect(validate(payload) ? [] : validate.errors).toEqual([]);
    const outcome = validatePayload(spec.payload, payload);
    expect(outcome.ok ? [] : outcome.errors).toEqual([]);
  });

  it.each(specs)('%s: both refuse a missing required field, an unknown field and a malformed value', (_type, spec) => {
    const { payload } = examplesOf(spec);
    const schemaName = payloadSchemaNameOf(spec);
    const validate = payloadValidator(schemaName);
    const schema = components.schemas[schemaName] as { required: string[]; properties: Record<string, Json> };
    const variants: [string, Json][] = [];
    for (const field of schema.required) {
      const without = clone(payload);
      delete without[field];
      variants.push([`without ${field}`, without]);
    }
    variants.push(['with an unknown field', { ...clone(payload), surprise: 'x' }]);
    for (const [field, property] of Object.entries(schema.properties)) {
      if (typeof property['pattern'] === 'string' || property['format'] === 'uuid' || Array.isArray(property['enum'])) {
        variants.push([`with a malformed ${field}`, { ...clone(payload), [field]: 'not valid!' }]);
      }
    }
    if ('amount' in payload) variants.push(['with a float amount', { ...clone(payload), amount: { value: 500, currency: 'INR' } }]);
    for (const [label, variant] of variants) {
      expect({ label, schema: validate(variant) }).toEqual({ label, schema: false });
      expect({ label, contract: validatePayload(spec.payload, variant).ok }).toEqual({ label, contract: false });
    }
  });

  it.each(specs)('%s: the example headers fit the headers schema, and a signed record without its signature does not', (_type, spec) => {
    const message = messageOf(spec);
    const validate = ajv.compile(message['headers'] as Json);
    const { headers } = examplesOf(spec);
    expect(validate(headers) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...headers, ce_type: 'other.type.v1' })).toBe(false);
    if (SIGNATURE_HEADER in headers) {
      const unsigned: Json = { ...headers };
      delete unsigned[SIGNATURE_HEADER];
      expect(validate(unsigned)).toBe(false);
    }
  });
});

describe('examples: signatures and encryption are real', () => {
  const signature = doc['x-kirim-record-signature'] as { exampleKeys: Record<string, { keys: Json[] }> };

  async function trustedExampleKeys(): Promise<TrustedSigningKeys> {
    const platform = await TrustedSigningKeys.ofPlatform(signature.exampleKeys['platform'] as never);
    const bank = await TrustedSigningKeys.of(`partner-${EXAMPLE_BANK_CODE.toLowerCase()}`, signature.exampleKeys[`partner-${EXAMPLE_BANK_CODE.toLowerCase()}`] as never);
    return platform.merge(bank);
  }

  it.each(Object.values(EVENT_CATALOGUE).map((spec) => [spec.type, spec] as const))('%s: a signed example verifies under the published example key of its signer', async (_type, spec) => {
    const topic = exampleTopicOf(spec);
    const resolved = resolveTopic(topic);
    const signer = resolved ? expectedSigner(spec, resolved) : null;
    const { headers, payload } = examplesOf(spec);
    if (signer === null) {
      expect(headers[SIGNATURE_HEADER]).toBeUndefined();
      return;
    }
    const record = { topic, key: payload[spec.keyField] as string, headers, value: new TextEncoder().encode(JSON.stringify(payload)) };
    const trusted = await trustedExampleKeys();
    expect(await verifyRecordSignature(record, headers[SIGNATURE_HEADER], signer, trusted)).toMatchObject({ ok: true });
    // Another topic, another key or another value: the same signature no longer holds.
    expect((await verifyRecordSignature({ ...record, topic: `${topic}x` }, headers[SIGNATURE_HEADER], signer, trusted)).ok).toBe(false);
    expect((await verifyRecordSignature({ ...record, value: new TextEncoder().encode(JSON.stringify({ ...payload, bankCode: 'ZZZZ' })) }, headers[SIGNATURE_HEADER], signer, trusted)).ok).toBe(false);
  });

  it("opens the example JWEs with the example bank's key, and the answers' accountDigest matches the account", async () => {
    const key = exampleBankEncryptionKey();
    const debit = examplesOf(EVENT_CATALOGUE['partner.debit.requested.v1']).payload;
    const plaintext = (await decryptForBank(debit['account'] as string, key)) as { accountRef: string };
    expect(Object.keys(plaintext)).toEqual(['accountRef']);
    const answer = examplesOf(EVENT_CATALOGUE['partner.debit.succeeded.v1']).payload;
    expect(answer['requestId']).toBe(debit['requestId']);
    expect(answer['accountDigest']).toBe(accountDigest(debit['requestId'] as string, plaintext.accountRef));
    const lookup = examplesOf(EVENT_CATALOGUE['partner.account-lookup.requested.v1']).payload;
    expect(await decryptForBank(lookup['mobile'] as string, key)).toEqual({ mobile: expect.stringMatching(/^\+[1-9]\d{7,14}$/) });
    expect(ajv.validate({ $ref: 'https://kirim.dev/asyncapi.json#/components/schemas/PartnerAccountPlaintext' }, plaintext)).toBe(true);
  });

  it("opens the example lookup answer's holder name with kirim's example key, the one the platform JWKS publishes, and nothing else opens it", async () => {
    const answer = examplesOf(EVENT_CATALOGUE['partner.account-lookup.answered.v1']).payload as { accounts: { encryptedHolderName: string }[] };
    const [account] = answer.accounts;
    const kirim = PlatformDecryptionKeys.fromPem('bank-connector', [{ kid: 'bank-connector:enc-example', pem: examplePlatformEncryptionKey().export({ type: 'pkcs8', format: 'pem' }).toString() }]);
    expect(await kirim.openHolderName(account?.encryptedHolderName ?? '')).toEqual({ ok: true, holderName: 'Asha Rao' });
    expect(JSON.stringify(answer)).not.toContain('Asha');
    expect((await platformEncryptionKeyOf(exampleJwks().platform)).kid).toBe('bank-connector:enc-example');
    expect(ajv.validate({ $ref: 'https://kirim.dev/asyncapi.json#/components/schemas/PartnerHolderNamePlaintext' }, { holderName: 'Asha Rao' })).toBe(true);
    expect(ajv.validate({ $ref: 'https://kirim.dev/asyncapi.json#/components/schemas/PartnerHolderNamePlaintext' }, { holderName: 'Asha\nRao' })).toBe(false);
    await expect(decryptForBank(account?.encryptedHolderName ?? '', exampleBankEncryptionKey())).rejects.toThrow();
  });
});
