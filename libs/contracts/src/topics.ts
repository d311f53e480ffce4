import { BANK_CODE_PATTERN } from './values/identifiers';

/**
 * The topic catalogue: every topic kirim produces to or consumes from, with its partition count.
 * Topics are created from this list (auto-create is off on the broker), so it is the single source
 * of truth for scripts, services, docker-compose, the Kafka ACLs and the AsyncAPI document.
 *
 * Partition counts: 6 lets a consumer group of up to 6 replicas share a topic and gives
 * `partitionsConsumedConcurrently` room on one machine; the record key (the aggregate id) keeps one
 * payment's messages on one partition and so in order. Dead-letter topics are low-volume: 1.
 */
export const TOPICS = {
  IDENTITY_EVENTS: 'identity.events.v1',
  PAYMENTS_EVENTS: 'payments.events.v1',
  BANK_REQUESTS: 'bank.requests.v1',
  BANK_RESPONSES: 'bank.responses.v1',
  NOTIFICATIONS_EVENTS: 'notifications.events.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * Each partner bank has a topic pair of its own, so its ACLs can give it exactly its own requests
 * and answers. The catalogue names them by template; `{bank}` is the bank code in lower case.
 */
export const PARTNER_TOPICS = {
  REQUESTS: 'partner.{bank}.requests.v1',
  RESPONSES: 'partner.{bank}.responses.v1',
} as const;

export type PartnerTopicTemplate = (typeof PARTNER_TOPICS)[keyof typeof PARTNER_TOPICS];

/** Where an event type travels: a fixed topic, or the topic of the partner bank it concerns. */
export type TopicAddress = Topic | PartnerTopicTemplate;

const PARTNER_TOPIC_PATTERN = /^partner\.([a-z]{4})\.(requests|responses)\.v1$/;

export function partnerRequestsTopic(bankCode: string): string {
  return PARTNER_TOPICS.REQUESTS.replace('{bank}', partnerTopicSegment(bankCode));
}

export function partnerResponsesTopic(bankCode: string): string {
  return PARTNER_TOPICS.RESPONSES.replace('{bank}', partnerTopicSegment(bankCode));
}

/** The concrete topic of an address: a fixed topic as it is, a partner template for `bankCode`. */
export function resolveTopicAddress(address: TopicAddress, bankCode?: string): string {
  if (!isPartnerTopicTemplate(address)) return address;
  if (bankCode === undefined) throw new Error(`topic ${address} needs a bank code`);
  return address.replace('{bank}', partnerTopicSegment(bankCode));
}

export function isPartnerTopicTemplate(address: string): address is PartnerTopicTemplate {
  return address === PARTNER_TOPICS.REQUESTS || address === PARTNER_TOPICS.RESPONSES;
}

/** A concrete topic matched against the catalogue: its address and, for partner topics, the bank. */
export interface ResolvedTopic {
  readonly address: TopicAddress;
  /** Upper-case bank code of a partner topic; absent on fixed topics. */
  readonly bankCode?: string;
}

/** The catalogue entry a concrete (unprefixed) topic belongs to, or undefined for a topic kirim does not know. */
export function resolveTopic(topic: string): ResolvedTopic | undefined {
  if ((Object.values(TOPICS) as string[]).includes(topic)) return { address: topic as Topic };
  const match = PARTNER_TOPIC_PATTERN.exec(topic);
  if (!match) return undefined;
  return { address: match[2] === 'requests' ? PARTNER_TOPICS.REQUESTS : PARTNER_TOPICS.RESPONSES, bankCode: match[1].toUpperCase() };
}

function partnerTopicSegment(bankCode: string): string {
  if (!BANK_CODE_PATTERN.test(bankCode)) throw new Error(`not a bank code: ${JSON.stringify(bankCode)}`);
  return bankCode.toLowerCase();
}

/** A dead-letter topic per consumed topic: `<topic>.dlq`. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly description: string;
  /**
   * Records on it must carry a valid signature of their producer (see trust/record-signature.ts).
   * Every topic that asks a bank to move money, or answers such a request, is signed.
   */
  readonly signed: boolean;
  /** How long the broker keeps its records (`retention.ms`). */
  readonly retentionMs: number;
}

export const MAIN_TOPIC_PARTITIONS = 6;
export const DEAD_LETTER_TOPIC_PARTITIONS = 1;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Main topics keep 7 days: a consumer stopped over a long weekend still finds everything it missed.
 * The consumers' inbox (INBOX_RETENTION_DAYS in libs/messaging, 15 days) must remember a message for
 * longer than Kafka could redeliver it, so this must stay below it; deploy/k8s/kafka-manifests.spec.ts
 * checks that for every topic a service reads.
 */
export const MAIN_TOPIC_RETENTION_MS = 7 * DAY_MS;

/**
 * Dead-letter topics keep 30 days: a refused record's value is kept nowhere else (docs/dead-letters.md),
 * and an operator needs time to find the cause and replay or discard it after an incident. No kirim
 * consumer reads them, so the inbox's window does not bound them.
 */
export const DEAD_LETTER_TOPIC_RETENTION_MS = 30 * DAY_MS;

/**
 * Topics whose records move money, or answer a request to: their records are signed, and consumers
 * verify before anything else. The others (identity, payments lifecycle, notifications) move no money:
 * the broker's ACLs already prove who wrote them, and signing every receipt would cost CPU on the hot
 * path for no gain. A topic that starts to feed a decision about money joins this list.
 */
const SIGNED_ADDRESSES: readonly TopicAddress[] = [TOPICS.BANK_REQUESTS, TOPICS.BANK_RESPONSES, PARTNER_TOPICS.REQUESTS, PARTNER_TOPICS.RESPONSES];

export function isSignedTopicAddress(address: TopicAddress): boolean {
  return SIGNED_ADDRESSES.includes(address);
}

function mainTopicSpec(name: string, description: string, signed: boolean): TopicSpec {
  return { name, partitions: MAIN_TOPIC_PARTITIONS, description, signed, retentionMs: MAIN_TOPIC_RETENTION_MS };
}

const MAIN_TOPICS: readonly TopicSpec[] = [
  mainTopicSpec(TOPICS.IDENTITY_EVENTS, 'users registered, bank accounts linked, language and time zone set (key: userId)', false),
  mainTopicSpec(TOPICS.PAYMENTS_EVENTS, 'payment lifecycle: initiated, completed, failed, reversed (key: paymentId)', false),
  mainTopicSpec(TOPICS.BANK_REQUESTS, 'debit and credit commands to banks, signed by payments (key: paymentId)', true),
  mainTopicSpec(TOPICS.BANK_RESPONSES, 'results of debit and credit legs, signed by bank-connector (key: paymentId)', true),
  mainTopicSpec(TOPICS.NOTIFICATIONS_EVENTS, 'notifications recorded for users (key: userId)', false),
];

/** Fixed topics some kirim service consumes; each has a dead-letter topic. Partner topics have theirs too. */
export const CONSUMED_TOPICS: readonly Topic[] = [TOPICS.BANK_REQUESTS, TOPICS.BANK_RESPONSES, TOPICS.PAYMENTS_EVENTS, TOPICS.IDENTITY_EVENTS];

function deadLetterSpec(topic: string): TopicSpec {
  return {
    name: deadLetterTopicOf(topic),
    partitions: DEAD_LETTER_TOPIC_PARTITIONS,
    description: `dead letters of ${topic}: the original record plus the reason it was refused`,
    signed: false,
    retentionMs: DEAD_LETTER_TOPIC_RETENTION_MS,
  };
}

/** The fixed topics: the same in every deployment. */
export const TOPIC_CATALOGUE: readonly TopicSpec[] = [...MAIN_TOPICS, ...CONSUMED_TOPICS.map(deadLetterSpec)];

/**
 * A partner bank's topics: its requests (written by bank-connector, read by the bank), its answers
 * (written by the bank, read by bank-connector) and a dead-letter topic for each reader.
 */
export function partnerTopicCatalogue(bankCode: string): TopicSpec[] {
  const requests = partnerRequestsTopic(bankCode);
  const responses = partnerResponsesTopic(bankCode);
  return [
    mainTopicSpec(requests, `debit, credit and account-lookup requests to partner bank ${bankCode}, signed by bank-connector (key: paymentId or lookupId)`, true),
    mainTopicSpec(responses, `answers of partner bank ${bankCode}, signed by the bank (key: paymentId or lookupId)`, true),
    deadLetterSpec(requests),
    deadLetterSpec(responses),
  ];
}

/** Every topic of a deployment with these partner banks. */
export function topicCatalogueWithPartners(partnerBankCodes: readonly string[]): TopicSpec[] {
  return [...TOPIC_CATALOGUE, ...partnerBankCodes.flatMap(partnerTopicCatalogue)];
}

/** Consumer group ids are set explicitly so no framework adds suffixes of its own. */
export const CONSUMER_GROUPS = {
  PAYMENTS: 'kirim.payments',
  BANK_CONNECTOR: 'kirim.bank-connector',
  NOTIFICATIONS: 'kirim.notifications',
} as const;

/** The consumer group a partner bank reads its requests with: its own, so its ACL can name it. */
export function partnerConsumerGroup(bankCode: string): string {
  return `partner.${partnerTopicSegment(bankCode)}`;
}
