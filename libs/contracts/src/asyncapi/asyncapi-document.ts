import { stringify } from 'yaml';
import { CE_CONTENT_TYPE, CE_HEADERS, CE_SPEC_VERSION, DEAD_LETTER_HEADERS, TRACEPARENT_PATTERN } from '../cloudevents';
import { EVENT_CATALOGUE, EVENT_TYPES, EventType, EventTypeSpec } from '../event-types';
import { kafkaAccessDeclaration, OBSERVER_PRINCIPAL } from '../kafka-acls';
import { PARTNER_SOURCE_TEMPLATE, partnerPrincipal, servicePrincipalOf } from '../principals';
import { SCHEME_MAX_ANSWER_TIMEOUT_MS } from '../partner-registry';
import {
  CONSUMED_TOPICS,
  CONSUMER_GROUPS,
  deadLetterTopicOf,
  isPartnerTopicTemplate,
  isSignedTopicAddress,
  partnerConsumerGroup,
  partnerTopicCatalogue,
  resolveTopic,
  TOPIC_CATALOGUE,
  TopicAddress,
  TopicSpec,
} from '../topics';
import { RECORD_SIGNING_ALGORITHMS } from '../trust/message-keys';
import { DEFAULT_FRESHNESS_WINDOW, freshnessProblem, recordSigningInput, SIGNATURE_HEADER, SIGNATURE_TYPE, SIGNED_HEADERS } from '../trust/record-signature';
import { EXAMPLE_BANK_CODE, EXAMPLE_TIME, exampleDeadLetterHeaders, exampleJwks, exampleRecord } from './examples';
import { JsonSchema, payloadSchemas, SCHEMA_REF_PREFIX, schemaNameOf } from './payload-schemas';

/**
 * The Kafka contract as an AsyncAPI 3.0.0 document, generated from the catalogue (topics.ts,
 * event-types.ts, kafka-acls.ts, the payload classes and the trust rules), never written by hand.
 * `npm run asyncapi` writes it to docs/asyncapi.yaml; a unit test fails when the committed file
 * differs from what this produces, so the document cannot drift from the code.
 *
 * Output is deterministic: objects are built in a fixed order, examples are signed with
 * deterministic keys (examples.ts), and nothing depends on the clock or the environment.
 */

export const ASYNCAPI_VERSION = '3.0.0';
export const KAFKA_BINDING_VERSION = '0.5.0';

/** How long kirim waits for a partner's leg answer before status checks: the scheme's pay timeout. */
const ANSWER_TIMEOUT_S = SCHEME_MAX_ANSWER_TIMEOUT_MS / 1000;

const FRESHNESS_DEFAULTS = DEFAULT_FRESHNESS_WINDOW;

const BANK_PARAMETER = 'bank';
/** Described once in `info.tags`; channels, operations and messages name them. */
const TAG_DESCRIPTIONS = {
  partner: 'What a partner bank reads or writes on its own topics.',
  internal: "Between kirim's own services; partners never see it.",
} as const;
const PARTNER_TAG = { name: 'partner' } as const;
const INTERNAL_TAG = { name: 'internal' } as const;

type Json = { [key: string]: unknown };

/** `identity.bank-account.linked.v1` -> `identityBankAccountLinkedV1`; `{bank}` segments are dropped. */
function camelId(text: string): string {
  const words = text
    .split(/[.\-_]/)
    .filter((word) => word !== '' && word !== `{${BANK_PARAMETER}}`)
    .map((word) => word.toLowerCase());
  return words.map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('');
}

const upperFirst = (text: string): string => text[0].toUpperCase() + text.slice(1);

export function messageIdOf(type: EventType): string {
  return camelId(type);
}

/** Channel id of a catalogue address or its dead-letter topic: `bankRequestsV1`, `partnerRequestsV1Dlq`. */
export function channelIdOf(address: string): string {
  return camelId(address);
}

const DEAD_LETTER_MESSAGE_ID = 'deadLetter';

/** A concrete topic of the example deployment -> its channel id. */
function channelIdOfTopic(topic: string): string {
  const deadLetter = topic.endsWith('.dlq');
  const base = deadLetter ? topic.slice(0, -'.dlq'.length) : topic;
  const resolved = resolveTopic(base);
  if (!resolved) throw new Error(`topic ${topic} is not in the catalogue`);
  return channelIdOf(deadLetter ? deadLetterTopicOf(resolved.address) : resolved.address);
}

function typesOn(address: TopicAddress): EventTypeSpec[] {
  return Object.values(EVENT_CATALOGUE).filter((spec) => spec.topic === address);
}

/** The principal allowed to emit `spec`: a service, or `partner-{bank}`. */
function producerOf(spec: EventTypeSpec): string {
  if (spec.source === PARTNER_SOURCE_TEMPLATE) return templatePrincipal();
  const service = servicePrincipalOf(spec.source);
  if (!service) throw new Error(`no principal for source ${spec.source}`);
  return service;
}

function templatePrincipal(): string {
  return partnerPrincipal(EXAMPLE_BANK_CODE).replace(EXAMPLE_BANK_CODE.toLowerCase(), `{${BANK_PARAMETER}}`);
}

// ---- headers ---------------------------------------------------------------------------------

const DETACHED_JWS_PATTERN = '^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+$';

function headersSchema(spec: EventTypeSpec): JsonSchema {
  const signed = isSignedTopicAddress(spec.topic);
  const partnerSource = spec.source === PARTNER_SOURCE_TEMPLATE;
  const required: string[] = [CE_HEADERS.SPEC_VERSION, CE_HEADERS.ID, CE_HEADERS.SOURCE, CE_HEADERS.TYPE, CE_HEADERS.TIME, CE_HEADERS.CONTENT_TYPE];
  if (signed) required.push(SIGNATURE_HEADER);
  const properties: JsonSchema = {
    [CE_HEADERS.SPEC_VERSION]: { type: 'string', const: CE_SPEC_VERSION, description: 'CloudEvents specification version.' },
    [CE_HEADERS.ID]: {
      type: 'string',
      minLength: 1,
      description: 'Unique per source (a UUID). A record whose ce_id was already seen at another offset is a replay and is refused.',
    },
    [CE_HEADERS.SOURCE]: partnerSource
      ? { type: 'string', pattern: '^/partners/[a-z]{4}$', description: `\`${PARTNER_SOURCE_TEMPLATE}\`: the bank of the topic, its code in lower case.` }
      : { type: 'string', const: spec.source, description: 'The only source allowed to emit this type.' },
    [CE_HEADERS.TYPE]: { type: 'string', const: spec.type },
    [CE_HEADERS.TIME]: {
      type: 'string',
      format: 'date-time',
      description: signed
        ? `RFC 3339 time the event happened (UTC, e.g. 2026-11-30T10:15:00.000Z). A signed record is refused when older than ${FRESHNESS_DEFAULTS.maxAgeMs / 1000} s or more than ${FRESHNESS_DEFAULTS.maxFutureSkewMs / 1000} s in the future (kirim's defaults).`
        : 'RFC 3339 time the event happened (UTC).',
    },
    [CE_HEADERS.SUBJECT]: { type: 'string', description: 'Optional CloudEvents subject.' },
    [CE_HEADERS.CONTENT_TYPE]: { type: 'string', const: CE_CONTENT_TYPE, description: 'The record value is JSON (UTF-8).' },
    [CE_HEADERS.TRACEPARENT]: { type: 'string', pattern: TRACEPARENT_PATTERN.source.replace(/[()]/g, ''), description: 'W3C Trace Context. An answer keeps the trace id of the request it answers.' },
  };
  if (signed) {
    properties[SIGNATURE_HEADER] = {
      type: 'string',
      pattern: DETACHED_JWS_PATTERN,
      description: `Detached compact JWS \`<protected header>..<signature>\` over the record (see x-kirim-record-signature), by ${producerOf(spec)}.`,
    };
  }
  return { type: 'object', required, properties };
}

function deadLetterHeadersSchema(): JsonSchema {
  const text = (description: string): JsonSchema => ({ type: 'string', description });
  return {
    type: 'object',
    description: "The refused record's own headers, untouched, plus these.",
    required: Object.values(DEAD_LETTER_HEADERS),
    properties: {
      [DEAD_LETTER_HEADERS.REASON]: text('Why the record was refused (at most 2000 characters); never anything secret.'),
      [DEAD_LETTER_HEADERS.ORIGINAL_TOPIC]: text('The topic the record was read from.'),
      [DEAD_LETTER_HEADERS.ORIGINAL_PARTITION]: { type: 'string', pattern: '^\\d+$', description: 'Its partition, in decimal.' },
      [DEAD_LETTER_HEADERS.ORIGINAL_OFFSET]: { type: 'string', pattern: '^\\d+$', description: 'Its offset, in decimal.' },
      [DEAD_LETTER_HEADERS.CONSUMER_GROUP]: text('The consumer group that refused it.'),
      [DEAD_LETTER_HEADERS.ATTEMPTS]: { type: 'string', pattern: '^\\d+$', description: 'How many times it was tried (1 for a record refused on sight).' },
    },
  };
}

// ---- messages --------------------------------------------------------------------------------

function messageDescription(spec: EventTypeSpec): string {
  const signer = isSignedTopicAddress(spec.topic) ? producerOf(spec) : null;
  return [
    `Travels on \`${spec.topic}\`; emitted by \`${spec.source}\` (Kafka user \`${producerOf(spec)}\`).`,
    `Record key: \`data.${spec.keyField}\`, the aggregate id, so related records stay in order on one partition.`,
    signer ? `Signed: header \`${SIGNATURE_HEADER}\` by \`${signer}\`; verified before anything else.` : 'Not signed: the broker ACLs prove who wrote it.',
  ].join('\n');
}

function correlationOf(spec: EventTypeSpec, schema: JsonSchema): Json | undefined {
  const payloadFields = Object.keys((schema['properties'] as Json | undefined) ?? {});
  const field = payloadFields.includes('requestId') ? 'requestId' : spec.keyField === 'lookupId' ? 'lookupId' : undefined;
  if (!field) return undefined;
  return { description: `A request and its answers share \`${field}\`.`, location: `$message.payload#/${field}` };
}

async function messageObject(spec: EventTypeSpec, schemas: Record<string, JsonSchema>): Promise<Json> {
  const schemaName = schemaNameOf(spec.payload as new () => object);
  const schema = schemas[schemaName];
  if (!schema) throw new Error(`no schema for ${schemaName}`);
  const keySchema = (schema['properties'] as Record<string, JsonSchema> | undefined)?.[spec.keyField];
  if (!keySchema) throw new Error(`${spec.type}: key field ${spec.keyField} is not a property of ${schemaName}`);
  const record = await exampleRecord(spec.type);
  const partner = isPartnerTopicTemplate(spec.topic);
  const correlationId = correlationOf(spec, schema);
  return {
    name: spec.type,
    title: spec.type,
    summary: spec.summary,
    description: messageDescription(spec),
    contentType: CE_CONTENT_TYPE,
    headers: headersSchema(spec),
    payload: { $ref: `${SCHEMA_REF_PREFIX}${schemaName}` },
    ...(correlationId ? { correlationId } : {}),
    tags: [partner ? PARTNER_TAG : INTERNAL_TAG],
    bindings: {
      kafka: {
        key: { type: keySchema['type'], ...(keySchema['format'] ? { format: keySchema['format'] } : {}), description: `The aggregate id: equal to data.${spec.keyField}.` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    examples: [
      {
        name: camelId(spec.type),
        summary: `A record on ${record.topic} with key ${record.key}. Its value is the payload as compact JSON, keys in the order shown.`,
        headers: record.headers,
        payload: record.payload,
      },
    ],
    'x-kirim-source': spec.source,
    'x-kirim-producer': producerOf(spec),
    'x-kirim-key-field': spec.keyField,
    'x-kirim-signed': isSignedTopicAddress(spec.topic),
  };
}

async function deadLetterMessage(): Promise<Json> {
  const original = await exampleRecord(EVENT_TYPES.BANK_DEBIT_REQUESTED);
  const readAt = new Date(Date.parse(EXAMPLE_TIME) + 15 * 60 * 1000);
  const lateReason = freshnessProblem(original.headers[CE_HEADERS.TIME], readAt, FRESHNESS_DEFAULTS);
  if (lateReason === null) throw new Error('the dead-letter example should be late');
  return {
    name: 'dead-letter',
    title: 'Dead letter',
    summary: 'A record its consumer refused: the original key, value and headers untouched, plus kirim_dlq_* headers saying why.',
    description:
      'A record that is not a valid CloudEvent, has an unknown type, a payload that breaks the contract, a missing or bad signature, a stale ce_time or a replayed ce_id, or whose handler kept failing, goes to `<topic>.dlq` and the consumer moves on. Operators read dead-letter topics (Kafka user `observer`); nothing consumes them automatically.',
    headers: deadLetterHeadersSchema(),
    payload: { description: 'The original record value, untouched; it may be invalid, which is often why it is here.' },
    tags: [INTERNAL_TAG, PARTNER_TAG],
    bindings: { kafka: { key: { type: 'string', description: "The original record's key." }, bindingVersion: KAFKA_BINDING_VERSION } },
    examples: [
      {
        name: 'refusedDebitRequest',
        summary: 'A debit request bank-connector refused because it arrived 15 minutes after it was written.',
        headers: exampleDeadLetterHeaders(original, CONSUMER_GROUPS.BANK_CONNECTOR, lateReason),
        payload: original.payload,
      },
    ],
  };
}

// ---- channels --------------------------------------------------------------------------------

interface ChannelSource {
  readonly address: string;
  readonly spec: TopicSpec;
  readonly deadLetter: boolean;
}

/** Fixed topics as they are; partner topics as templates, from the catalogue of the example bank. */
function channelSources(): ChannelSource[] {
  const fixed = TOPIC_CATALOGUE.map((spec): ChannelSource => ({ address: spec.name, spec, deadLetter: spec.name.endsWith('.dlq') }));
  const code = EXAMPLE_BANK_CODE;
  const template = (text: string): string => text.split(`.${code.toLowerCase()}.`).join(`.{${BANK_PARAMETER}}.`).split(code).join(`{${BANK_PARAMETER}}`);
  const partner = partnerTopicCatalogue(code).map((spec): ChannelSource => ({
    address: template(spec.name),
    spec: { ...spec, name: template(spec.name), description: template(spec.description) },
    deadLetter: spec.name.endsWith('.dlq'),
  }));
  return [...fixed, ...partner];
}

function channelObject(source: ChannelSource, messageIds: readonly string[]): Json {
  const partner = source.address.includes(`{${BANK_PARAMETER}}`);
  const baseAddress = source.deadLetter ? source.address.slice(0, -'.dlq'.length) : source.address;
  const consumed = !source.deadLetter && ((CONSUMED_TOPICS as readonly string[]).includes(source.address) || isPartnerTopicTemplate(source.address));
  return {
    address: source.address,
    title: source.address,
    description: source.spec.description,
    ...(partner ? { parameters: { [BANK_PARAMETER]: { $ref: `#/components/parameters/${BANK_PARAMETER}` } } } : {}),
    messages: Object.fromEntries(messageIds.map((id) => [id, { $ref: `#/components/messages/${id}` }])),
    tags: [partner ? PARTNER_TAG : INTERNAL_TAG],
    bindings: { kafka: { partitions: source.spec.partitions, bindingVersion: KAFKA_BINDING_VERSION } },
    'x-kirim-signed': source.spec.signed,
    ...(consumed ? { 'x-kirim-dead-letter-topic': deadLetterTopicOf(source.address) } : {}),
    ...(source.deadLetter ? { 'x-kirim-dead-letters-of': baseAddress } : {}),
  };
}

// ---- operations ------------------------------------------------------------------------------

function operationsOf(channels: Record<string, Json>): Record<string, Json> {
  const code = EXAMPLE_BANK_CODE;
  const bankPrincipal = partnerPrincipal(code);
  const operations: Record<string, Json> = {};
  for (const access of kafkaAccessDeclaration([code])) {
    if (access.principal === OBSERVER_PRINCIPAL) continue;
    const partner = access.principal === bankPrincipal;
    const principal = partner ? templatePrincipal() : access.principal;
    const actor = partner ? 'partnerBank' : camelId(access.principal);
    const group = access.groups[0];
    const groupSchema = group
      ? partner
        ? { type: 'string', pattern: `^${partnerConsumerGroup(code).replace(code.toLowerCase(), '[a-z]{4}').replace(/\./g, '\\.')}$`, description: `${partnerConsumerGroup(code).replace(code.toLowerCase(), `{${BANK_PARAMETER}}`)}: the bank's own group.` }
        : { type: 'string', enum: [group.name] }
      : undefined;
    const add = (action: 'send' | 'receive', topic: string): void => {
      const channelId = channelIdOfTopic(topic);
      const channel = channels[channelId];
      if (!channel) throw new Error(`no channel ${channelId} for ${topic}`);
      const channelMessages = Object.keys(channel['messages'] as Json);
      const deadLetter = topic.endsWith('.dlq');
      const address = channel['address'] as string;
      const messageIds =
        action === 'receive' || deadLetter
          ? channelMessages
          : typesOn(address as TopicAddress)
              .filter((spec) => producerOf(spec) === principal)
              .map((spec) => messageIdOf(spec.type));
      if (messageIds.length === 0) throw new Error(`${access.principal} may write ${topic}, but the catalogue gives it no event type there`);
      const id = `${actor}${upperFirst(action)}${upperFirst(channelId)}`;
      operations[id] = {
        action,
        channel: { $ref: `#/channels/${channelId}` },
        title: `${principal} ${action}s ${deadLetter && action === 'send' ? 'dead letters to ' : action === 'send' ? 'to ' : 'from '}${address}`,
        description:
          action === 'send'
            ? `As Kafka user \`${principal}\`; its ACLs allow WRITE and DESCRIBE on this topic.${deadLetter ? ' A consumer dead-letters what it refuses.' : ''}`
            : `As Kafka user \`${principal}\` in consumer group \`${groupSchema && partner ? partnerConsumerGroup(code).replace(code.toLowerCase(), `{${BANK_PARAMETER}}`) : (group?.name ?? '')}\`; its ACLs allow READ and DESCRIBE on this topic and READ on the group.`,
        messages: messageIds.map((messageId) => ({ $ref: `#/channels/${channelId}/messages/${messageId}` })),
        tags: [partner || address.includes(`{${BANK_PARAMETER}}`) ? PARTNER_TAG : INTERNAL_TAG],
        ...(action === 'receive' && groupSchema ? { bindings: { kafka: { groupId: groupSchema, bindingVersion: KAFKA_BINDING_VERSION } } } : {}),
        'x-kirim-principal': principal,
      };
    };
    access.writes.forEach((topic) => add('send', topic));
    access.reads.forEach((topic) => add('receive', topic));
  }
  return operations;
}

// ---- the document ----------------------------------------------------------------------------

/** The signing input as a template: one line per element, placeholders in angle brackets. */
function signingInputTemplate(): string[] {
  const headers = Object.fromEntries(SIGNED_HEADERS.map((name) => [name, `<${name} header value, or empty when absent>`]));
  const lines = new TextDecoder().decode(recordSigningInput({ topic: '<topic, without any deployment prefix>', key: '<record key>', headers, value: new Uint8Array() })).split('\n');
  return [...lines.slice(0, -1), 'value-sha256=<base64url (no padding) SHA-256 of the record value bytes>'];
}

const INFO_DESCRIPTION = `Every Kafka topic kirim and its partner banks use: who writes and reads it, the CloudEvents each record is, its payload schema, its key, and how it is signed and encrypted.

**Records.** CloudEvents 1.0, Kafka protocol binding, binary mode: the attributes travel as headers (\`ce_specversion\`, \`ce_id\`, \`ce_source\`, \`ce_type\`, \`ce_time\`, optional \`ce_subject\`, \`content-type: application/json\`, W3C \`traceparent\`), the record value is the event data as JSON, and the record key is the aggregate id named by each message (\`paymentId\`, \`userId\`, \`lookupId\`). Payloads are validated when produced and when consumed; unknown fields are refused.

**Partner banks.** Each bank has its own topic pair, \`partner.{bank}.requests.v1\` (kirim to the bank) and \`partner.{bank}.responses.v1\` (the bank to kirim), with \`{bank}\` its four-letter code in lower case, a dead-letter topic for each reader, and its own Kafka user \`partner-{bank}\` (SASL/SCRAM-SHA-512) whose ACLs allow exactly these topics and the group \`partner.{bank}\`. The onboarding guide is docs/partner-onboarding.md in the kirim repository.

**Signatures.** Records on \`bank.requests.v1\`, \`bank.responses.v1\` and the partner topics carry \`${SIGNATURE_HEADER}\`: a detached JWS (${RECORD_SIGNING_ALGORITHMS.join(' or ')}) over the topic, key, CloudEvents headers and value (see \`x-kirim-record-signature\`). The verifier looks the key up among the keys of the party that must have signed (the producer the catalogue names), never by the kid alone. Unsigned, badly signed, late (\`ce_time\` outside the freshness window) and replayed (a \`ce_id\` already seen at another offset) records are refused and dead-lettered.

**Encryption.** Account references and mobile numbers travel to a bank only as compact JWE (ECDH-ES, A256GCM) for that bank's encryption key; holder names travel back to kirim only as compact JWE for kirim's encryption key (bank-connector's, in the platform JWKS); see \`x-kirim-bank-encryption\`. Answers prove which account they concern with \`accountDigest\`.

**Answers.** A bank answers every leg request within ${ANSWER_TIMEOUT_S} s, once per \`requestId\`: a repeated request gets the recorded answer again and moves no money; a repeat with other content is refused, never answered.

**Dead letters.** A consumer that refuses a record writes it, untouched, to \`<topic>.dlq\` with \`kirim_dlq_*\` headers and moves on.`;

export interface AsyncApiDocument {
  readonly [key: string]: unknown;
}

export async function buildAsyncApiDocument(): Promise<AsyncApiDocument> {
  const schemas = payloadSchemas();

  const messages: Record<string, Json> = {};
  for (const spec of Object.values(EVENT_CATALOGUE)) messages[messageIdOf(spec.type)] = await messageObject(spec, schemas);
  messages[DEAD_LETTER_MESSAGE_ID] = await deadLetterMessage();

  const channels: Record<string, Json> = {};
  for (const source of channelSources()) {
    const id = channelIdOf(source.address);
    if (channels[id]) throw new Error(`two topics map to channel id ${id}`);
    const messageIds = source.deadLetter ? [DEAD_LETTER_MESSAGE_ID] : typesOn(source.address as TopicAddress).map((spec) => messageIdOf(spec.type));
    channels[id] = channelObject(source, messageIds);
  }

  const jwks = exampleJwks();
  return {
    asyncapi: ASYNCAPI_VERSION,
    id: 'urn:kirim:kafka-contract',
    info: {
      title: 'kirim Kafka contract',
      version: '1.0.0',
      description: INFO_DESCRIPTION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
    },
    defaultContentType: CE_CONTENT_TYPE,
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        title: 'Local stack',
        description: 'The single-node KRaft broker of the local stack (deploy/local/kafka/kafka.sh): SASL/SCRAM-SHA-512 over plaintext on loopback (security.protocol SASL_PLAINTEXT).',
        security: [{ $ref: '#/components/securitySchemes/scramSha512' }],
        'x-kirim-security-protocol': 'SASL_PLAINTEXT',
      },
      production: {
        host: '{bootstrap}',
        protocol: 'kafka-secure',
        title: 'Production',
        description: 'A Strimzi-managed cluster: TLS and SASL/SCRAM-SHA-512 (security.protocol SASL_SSL). kirim gives each partner the bootstrap address, its Kafka user and the CA certificate at onboarding.',
        variables: { bootstrap: { description: 'The bootstrap host:port kirim gives you at onboarding.', examples: ['kafka-bootstrap.kirim.example:9093'] } },
        security: [{ $ref: '#/components/securitySchemes/scramSha512' }],
        'x-kirim-security-protocol': 'SASL_SSL',
      },
    },
    channels,
    operations: operationsOf(channels),
    components: {
      schemas,
      messages,
      parameters: {
        [BANK_PARAMETER]: {
          description: "The partner bank's four-letter code in lower case (e.g. xmpl for bank code XMPL).",
          examples: [EXAMPLE_BANK_CODE.toLowerCase()],
        },
      },
      securitySchemes: {
        scramSha512: {
          type: 'scramSha512',
          description:
            'One Kafka user per kirim service (identity, payments, bank-connector, notifications) and per partner bank (partner-<bank>), plus a read-only observer. The broker denies whatever the ACLs (libs/contracts/src/kafka-acls.ts) do not allow.',
        },
      },
    },
    'x-kirim-record-signature': {
      header: SIGNATURE_HEADER,
      format: 'Detached compact JWS (RFC 7515, appendix F): `<base64url protected header>..<base64url signature>`; the payload is not sent.',
      protectedHeader: { alg: [...RECORD_SIGNING_ALGORITHMS], kid: 'the id of the signing key in its owner\'s JWKS', typ: SIGNATURE_TYPE },
      signingInput: {
        description: 'The JWS payload the verifier rebuilds from the record: these lines, UTF-8, joined by "\\n" (no trailing newline). A field holding a control character (U+0000-U+001F, U+007F) cannot be signed and is refused.',
        lines: signingInputTemplate(),
      },
      keys: "The verifier takes the key by kid from the keys of the party that must have signed this type on this topic: kirim's platform JWKS (kids `<service>:<label>`) for kirim's records, the bank's registered JWKS (`use: sig`, Ed25519 or P-256) for the bank's. Two keys of one party may be valid at once, which is how keys rotate.",
      freshness: {
        description: 'A signed record whose ce_time lies outside this window around the verifier\'s clock is refused as late or from the future (kirim\'s defaults).',
        maxAgeMs: FRESHNESS_DEFAULTS.maxAgeMs,
        maxFutureSkewMs: FRESHNESS_DEFAULTS.maxFutureSkewMs,
      },
      replay: 'A record whose ce_id was already seen at another offset is refused.',
      exampleKeys: {
        description: 'Public keys that verify the signatures and encryptions of the examples in this document. Derived from public seeds: for checking an implementation only, never to be trusted.',
        platform: jwks.platform,
        [partnerPrincipal(EXAMPLE_BANK_CODE)]: jwks.partner,
      },
    },
    'x-kirim-bank-encryption': {
      format: 'Compact JWE (RFC 7516), five base64url parts, the second empty (direct key agreement).',
      protectedHeader: { alg: 'ECDH-ES', enc: 'A256GCM', kid: "the id of the bank's encryption key", cty: 'json' },
      key: 'The last key with `use: "enc"` (X25519 or P-256) in the bank\'s registered JWKS.',
      fields: {
        'PartnerLegRequested.account': 'PartnerAccountPlaintext',
        'PartnerAccountLookupRequested.mobile': 'PartnerMobilePlaintext',
      },
      toKirim: {
        key: 'The last key with `use: "enc"` (X25519 or P-256) whose kid is `bank-connector:<label>` in kirim\'s platform JWKS (the file or URL the bank verifies kirim\'s signatures with). During a rotation kirim lists two and opens both; reload the JWKS at least every few minutes and on an unknown signing kid.',
        protectedHeader: { alg: 'ECDH-ES', enc: 'A256GCM', kid: "the id of kirim's encryption key", cty: 'json' },
        fields: { 'PartnerAccountSummary.encryptedHolderName': 'PartnerHolderNamePlaintext' },
        refusal: 'An answer kirim cannot open (unknown kid, altered, another algorithm, not a name) is refused whole and dead-lettered; nothing in it is applied.',
      },
      accountDigest: 'base64url (no padding) of SHA-256 over the UTF-8 text `<requestId>:<accountRef>`; a leg answer carries it to prove which account the bank acted on.',
    },
  };
}

const HEADER_COMMENT = [
  ' The kirim Kafka contract (AsyncAPI 3.0.0). Generated from libs/contracts by `npm run asyncapi`',
  ' (libs/contracts/src/asyncapi/generate-asyncapi.ts): do not edit by hand; a unit test fails when',
  ' this file differs from what the contracts produce.',
].join('\n');

/** The document as YAML, byte for byte what `npm run asyncapi` commits. */
export async function renderAsyncApiYaml(): Promise<string> {
  const document = await buildAsyncApiDocument();
  // No anchors/aliases (a reader should not have to resolve them), no line folding, and strings
  // quoted wherever a YAML 1.1 reader (SnakeYAML, PyYAML) would take them for a date, number or boolean.
  const body = stringify(document, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0, minContentWidth: 0 });
  return `#${HEADER_COMMENT.split('\n').join('\n#')}\n${body}`;
}
