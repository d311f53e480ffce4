/**
 * The topic catalogue: every topic kirim produces to or consumes from, with its partition count.
 * Topics are created from this list (auto-create is off on the broker), so it is the single source
 * of truth for scripts, services, docker-compose and the docs.
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

/** A dead-letter topic per consumed topic: `<topic>.dlq`. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly description: string;
}

export const MAIN_TOPIC_PARTITIONS = 6;
export const DEAD_LETTER_TOPIC_PARTITIONS = 1;

const MAIN_TOPICS: readonly TopicSpec[] = [
  { name: TOPICS.IDENTITY_EVENTS, partitions: MAIN_TOPIC_PARTITIONS, description: 'users registered, bank accounts linked (key: userId)' },
  { name: TOPICS.PAYMENTS_EVENTS, partitions: MAIN_TOPIC_PARTITIONS, description: 'payment lifecycle: initiated, completed, failed, reversed (key: paymentId)' },
  { name: TOPICS.BANK_REQUESTS, partitions: MAIN_TOPIC_PARTITIONS, description: 'debit and credit commands to banks (key: paymentId)' },
  { name: TOPICS.BANK_RESPONSES, partitions: MAIN_TOPIC_PARTITIONS, description: 'results of debit and credit legs (key: paymentId)' },
  { name: TOPICS.NOTIFICATIONS_EVENTS, partitions: MAIN_TOPIC_PARTITIONS, description: 'notifications recorded for users (key: userId)' },
];

/** Topics some kirim service consumes; each has a dead-letter topic. */
export const CONSUMED_TOPICS: readonly Topic[] = [TOPICS.BANK_REQUESTS, TOPICS.BANK_RESPONSES, TOPICS.PAYMENTS_EVENTS];

export const TOPIC_CATALOGUE: readonly TopicSpec[] = [
  ...MAIN_TOPICS,
  ...CONSUMED_TOPICS.map((topic) => ({
    name: deadLetterTopicOf(topic),
    partitions: DEAD_LETTER_TOPIC_PARTITIONS,
    description: `dead letters of ${topic}: the original record plus the reason it was refused`,
  })),
];

/** Consumer group ids are set explicitly so no framework adds suffixes of its own. */
export const CONSUMER_GROUPS = {
  PAYMENTS: 'kirim.payments',
  BANK_CONNECTOR: 'kirim.bank-connector',
  NOTIFICATIONS: 'kirim.notifications',
} as const;
