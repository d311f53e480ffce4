import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { EVENT_CATALOGUE } from '../event-types';

/**
 * JSON Schemas of the event payloads, derived from the class-validator decorators of the contract
 * classes, so the document says what producers and consumers actually check.
 *
 * class-validator-jsonschema 5.2.0 (peer range class-validator ^0.14 || ^0.15, class-transformer
 * ^0.4 || ^0.5) does the conversion; it was checked against class-validator 0.15.1 and
 * class-transformer 0.5.1. What it leaves out is added here:
 * - `additionalProperties: false`: payloads are validated with `forbidNonWhitelisted`
 *   (validation.ts), so an unknown field is refused, and the schema says so;
 * - it writes `IsDefined` on a nested object as `{ $ref, not: { type: 'null' } }`; siblings of a
 *   `$ref` are ignored by draft-07 validators, and the referenced schema is `type: object`, which
 *   already refuses null, so only the `$ref` is kept;
 * - descriptions (class-validator has no place for them), from the tables below.
 */

export type JsonSchema = { [keyword: string]: unknown };

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

type ClassConstructor = new () => object;

/** One sentence per payload class: what it is for. */
const CLASS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  MoneyDto: 'An amount as a decimal string with its currency: at most 16 integer and 2 fraction digits, never a float.',
  UserRegistered: 'A user registered with kirim; the phone number stays inside identity.',
  BankAccountLinked: 'A user linked a bank account; only the masked number leaves identity.',
  UserPreferencesChanged: "A user's language and time zone as they now stand; a consumer keeps the event with the latest `changedAt`. No phone number, no name.",
  BankLegRequested: "A command to a bank: move `amount` out of (debit) or into (credit) the account the bank knows by `accountRef`. The record's type gives the direction.",
  BankLegResult: "A bank's answer to a leg, naming what it answers: `bankCode`, `accountRef` and `amount` are those of the request.",
  PaymentLifecycleEvent: 'A payment reached a state others care about.',
  NotificationRecorded: 'A notification was recorded for a user; the chat platform turns it into a receipt.',
  PartnerLegRequested:
    'kirim asks a partner bank to debit or credit one of its accounts (the record type says which). `requestId` is the idempotency key: at most one movement of money per requestId.',
  PartnerLegAnswered:
    "The bank's answer to a leg. It names what it answers (the type gives the direction; `amount` and `accountDigest` the rest), so kirim can refuse an answer about anything it did not ask.",
  PartnerAccountLookupRequested: "kirim asks a partner bank which of its accounts are registered to a mobile number (UPI's ListAccount).",
  PartnerAccountSummary: "One account in a lookup answer: the bank's opaque reference, the number masked and the holder's registered name encrypted for kirim.",
  PartnerAccountLookupAnswered: 'The accounts the bank holds for the mobile number of the lookup (at most 20; none is an empty list).',
};

/** Field notes where the name and the constraint do not say enough. `Class.field` must exist. */
const FIELD_DESCRIPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  MoneyDto: {
    value: 'Decimal string, e.g. "500.00"; at most 2 fraction digits. Amounts in requests are positive.',
    currency: 'ISO 4217 code.',
  },
  BankLegRequested: {
    requestId: 'Idempotency key of this leg: a repeat with the same requestId moves no more money.',
    txnId: 'UPI-style transaction id: 35 capital letters and digits, starting with the PSP prefix.',
    purpose:
      '`payment`; `reversal` when a debited payment whose credit failed is paid back; `refund` for both legs of a merchant\'s refund (its debit of the merchant\'s account carries no UPI PIN: the merchant authorised it with its API key).',
    accountRef: "The bank's own reference for the account; the account number never travels.",
    refundOf: 'On a `refund` leg only (required there): the payment refunded, whose credit the merchant\'s bank may check the refund against.',
  },
  BankLegResult: {
    resultCode: 'UPI result code: `00` success, anything else a decline with that code.',
    rrn: '12-digit retrieval reference number, on success.',
    reason: 'Human-readable detail of a decline; never shown to users as is.',
  },
  UserPreferencesChanged: {
    locale: 'The user\'s language: a canonical BCP 47 tag (as `Intl.getCanonicalLocales` writes it), e.g. `hi-IN`. Absent while the user has never set one.',
    timeZone: 'The user\'s IANA time zone, e.g. `Asia/Kolkata`, one `Intl.DateTimeFormat` knows. Absent while the user has never set one.',
    changedAt: 'When identity stored the change; a later change of the same user always has a later instant, so keep the event with the latest.',
  },
  PaymentLifecycleEvent: {
    status: 'The state of the payment state machine the payment reached.',
    resultCode: 'UPI result code of the leg that decided the outcome, if any.',
  },
  CollectRequestEvent: {
    merchantId: 'The merchant that asked. Exactly one of `merchantId` and `requesterUserId` is present: required unless there is a `requesterUserId`.',
    requesterUserId: 'The person who asked (P2P collect); never beside a `merchantId`.',
  },
  NotificationRecorded: {
    paymentId: 'The payment the notification is about. Exactly one of `paymentId` and `collectRequestId` is present: required unless there is a `collectRequestId`.',
    collectRequestId: 'The collect request the notification is about (kinds `collect.*`); never beside a `paymentId`.',
  },
  PartnerLegRequested: {
    requestId: 'Idempotency key: the bank moves money at most once per requestId and answers a repeat with the answer it recorded; a repeat whose content differs is refused, never answered.',
    paymentId: 'The payment this leg belongs to; also the record key.',
    txnId: 'UPI-style transaction id: 35 capital letters and digits, starting with the PSP prefix.',
    purpose:
      '`payment`; `reversal` when a debited payment whose credit failed is paid back; `refund` for both legs of a merchant\'s refund, whose debit carries no UPI PIN (the merchant authorised it with its API key at kirim).',
    bankCode: 'The bank this request is for; it must be the bank of the topic.',
    account:
      'Compact JWE (RFC 7516) for the bank\'s encryption key (`use: "enc"`): `alg` ECDH-ES, `enc` A256GCM, `cty` json. The plaintext is PartnerAccountPlaintext: `{"accountRef": "..."}`.',
  },
  PartnerLegAnswered: {
    requestId: 'The requestId of the request answered.',
    bankCode: 'The answering bank; it must be the bank of the topic.',
    amount: 'The amount of the request answered.',
    accountDigest: 'base64url (no padding) SHA-256 of the UTF-8 text `<requestId>:<accountRef>`: proves which account the bank acted on without naming it.',
    resultCode: 'UPI result code: `00` success (with `rrn`), anything else a decline with that code.',
    rrn: '12-digit retrieval reference number of the movement, on success.',
    reason: 'Human-readable detail of a decline, for operators; at most 200 characters.',
  },
  PartnerAccountLookupRequested: {
    lookupId: 'Identifies the lookup; also the record key.',
    bankCode: 'The bank this lookup is for; it must be the bank of the topic.',
    mobile:
      'Compact JWE (RFC 7516) for the bank\'s encryption key (`use: "enc"`): `alg` ECDH-ES, `enc` A256GCM, `cty` json. The plaintext is PartnerMobilePlaintext: `{"mobile": "+91..."}` (E.164).',
  },
  PartnerAccountSummary: {
    accountRef: "The bank's own opaque reference for the account (a UUID); kirim uses it in later leg requests, encrypted.",
    maskedAccountNumber: 'The account number with only its last four digits in clear, e.g. XXXXXX1234.',
    encryptedHolderName:
      'Compact JWE (RFC 7516) for kirim\'s encryption key (the last `use: "enc"` key of the platform JWKS whose kid is `bank-connector:<label>`): `alg` ECDH-ES, `enc` A256GCM, `cty` json. The plaintext is PartnerHolderNamePlaintext: `{"holderName": "..."}`, the name as the bank registered it (at most 100 characters); kirim shows it masked to payers before they pay. Never sent in clear.',
  },
  PartnerAccountLookupAnswered: {
    lookupId: 'The lookupId of the request answered.',
    bankCode: 'The answering bank; it must be the bank of the topic.',
  },
};

/** The plaintexts inside the JWE fields: interfaces in the contract, so written out here. */
const ENCRYPTED_PLAINTEXT_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  PartnerAccountPlaintext: {
    type: 'object',
    description: 'What the encrypted `account` of a leg request holds once the bank has decrypted it (JSON, UTF-8).',
    properties: { accountRef: { type: 'string', description: "The bank's own reference for the account, as it gave it in an account-lookup answer." } },
    required: ['accountRef'],
    additionalProperties: false,
  },
  PartnerHolderNamePlaintext: {
    type: 'object',
    description: 'What the encrypted `encryptedHolderName` of a lookup answer holds once kirim has decrypted it (JSON, UTF-8).',
    properties: {
      holderName: {
        type: 'string',
        minLength: 1,
        maxLength: 100,
        pattern: "^[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} .,'&()/-]*$",
        description: "The account holder's name as the bank registered it: letters, digits, spaces and . , ' & ( ) / -, starting with a letter or digit.",
      },
    },
    required: ['holderName'],
    additionalProperties: false,
  },
  PartnerMobilePlaintext: {
    type: 'object',
    description: 'What the encrypted `mobile` of an account lookup holds once the bank has decrypted it (JSON, UTF-8).',
    properties: { mobile: { type: 'string', pattern: '^\\+[1-9]\\d{7,14}$', description: 'E.164 mobile number.' } },
    required: ['mobile'],
    additionalProperties: false,
  },
};

/** The payload classes of the catalogue, in catalogue order, without repeats. */
export function cataloguePayloadClasses(): ClassConstructor[] {
  return [...new Set(Object.values(EVENT_CATALOGUE).map((spec) => spec.payload as ClassConstructor))];
}

/** Property names class-validator knows for `cls`, in declaration order. */
export function validatedPropertiesOf(cls: ClassConstructor): string[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadatas.map((meta) => meta.propertyName))];
}

/** Classes nested in `cls` through class-transformer's @Type (what ValidateNested descends into). */
function nestedClassesOf(cls: ClassConstructor): ClassConstructor[] {
  const nested: ClassConstructor[] = [];
  for (const property of validatedPropertiesOf(cls)) {
    const typeMetadata = defaultMetadataStorage.findTypeMetadata(cls, property);
    if (typeMetadata) nested.push(typeMetadata.typeFunction() as ClassConstructor);
  }
  return nested;
}

/** `roots` and every class reachable from them, roots first, each once. */
function classClosure(roots: readonly ClassConstructor[]): ClassConstructor[] {
  const seen: ClassConstructor[] = [];
  const visit = (cls: ClassConstructor): void => {
    if (seen.includes(cls)) return;
    seen.push(cls);
    nestedClassesOf(cls).forEach(visit);
  };
  roots.forEach(visit);
  return seen;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fix-ups described at the top, applied to one schema and everything inside it. */
function tidy(schema: JsonSchema): JsonSchema {
  if (typeof schema['$ref'] === 'string') return { $ref: schema['$ref'] };
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'properties' && isObject(value)) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, isObject(property) ? tidy(property) : property]));
    } else if ((keyword === 'items' || keyword === 'additionalProperties') && isObject(value)) {
      out[keyword] = tidy(value);
    } else if ((keyword === 'oneOf' || keyword === 'anyOf' || keyword === 'allOf') && Array.isArray(value)) {
      out[keyword] = value.map((item: unknown) => (isObject(item) ? tidy(item) : item));
    } else {
      out[keyword] = value;
    }
  }
  if (out['type'] === 'object' && isObject(out['properties']) && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

function withDescriptions(className: string, schema: JsonSchema): JsonSchema {
  const notes = FIELD_DESCRIPTIONS[className] ?? {};
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  for (const field of Object.keys(notes)) {
    if (!(field in properties)) throw new Error(`a description names ${className}.${field}, which the class does not validate`);
  }
  const described: JsonSchema = {};
  for (const [name, property] of Object.entries(properties)) {
    const note = notes[name];
    if (note === undefined || !isObject(property)) {
      described[name] = property;
    } else if (typeof property['$ref'] === 'string') {
      // A description beside a $ref is ignored by draft-07 tools; allOf keeps both.
      described[name] = { description: note, allOf: [{ $ref: property['$ref'] }] };
    } else {
      described[name] = { description: note, ...property };
    }
  }
  const classNote = CLASS_DESCRIPTIONS[className];
  return { ...(classNote ? { description: classNote } : {}), ...schema, properties: described };
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([keyword, inner]) => (keyword === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

/**
 * Named JSON Schemas (AsyncAPI `components.schemas`) of every payload class of the catalogue and
 * the classes nested in them, plus the plaintexts of the encrypted fields. References between
 * them point at `#/components/schemas/<ClassName>`.
 */
export function payloadSchemas(): Record<string, JsonSchema> {
  const classes = classClosure(cataloguePayloadClasses());
  const names = classes.map((cls) => cls.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  // Schemas are named by class name; two classes of one name would silently share a schema.
  if (duplicate) throw new Error(`two payload classes are named ${duplicate}`);

  const schemas: Record<string, JsonSchema> = {};
  for (const cls of classes) {
    const raw = targetConstructorToSchema(cls, { classTransformerMetadataStorage: defaultMetadataStorage, refPointerPrefix: SCHEMA_REF_PREFIX }) as JsonSchema;
    if (!isObject(raw['properties']) || Object.keys(raw['properties']).length === 0) throw new Error(`${cls.name} has no validated properties`);
    schemas[cls.name] = withDescriptions(cls.name, tidy(raw));
  }
  for (const name of Object.keys(FIELD_DESCRIPTIONS)) {
    if (!(name in schemas)) throw new Error(`field descriptions name ${name}, which is not a payload class`);
  }
  for (const [name, schema] of Object.entries(ENCRYPTED_PLAINTEXT_SCHEMAS)) {
    if (name in schemas) throw new Error(`${name} is both a payload class and an encrypted plaintext`);
    schemas[name] = schema;
  }
  for (const ref of refsIn(schemas)) {
    if (!ref.startsWith(SCHEMA_REF_PREFIX) || !(ref.slice(SCHEMA_REF_PREFIX.length) in schemas)) throw new Error(`unresolved schema reference ${ref}`);
  }
  return schemas;
}

/** The schema name of a payload class. */
export function schemaNameOf(cls: ClassConstructor): string {
  return cls.name;
}
