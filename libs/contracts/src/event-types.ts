import { BankLegRequested, BankLegResult } from './events/bank';
import { BankAccountLinked, UserRegistered } from './events/identity';
import { NotificationRecorded } from './events/notifications';
import { PaymentLifecycleEvent } from './events/payments';
import { EVENT_SOURCES } from './cloudevents';
import { Topic, TOPICS } from './topics';

/**
 * Every CloudEvents `type` kirim emits, named `<domain>.<entity>.<event>.v<major>`, with the topic
 * it travels on and the class its `data` must satisfy. Producers and consumers both validate
 * against this map, so an unknown type or a payload that does not fit is refused at either end.
 */
export const EVENT_TYPES = {
  USER_REGISTERED: 'identity.user.registered.v1',
  BANK_ACCOUNT_LINKED: 'identity.bank-account.linked.v1',
  BANK_DEBIT_REQUESTED: 'bank.debit.requested.v1',
  BANK_CREDIT_REQUESTED: 'bank.credit.requested.v1',
  BANK_DEBIT_SUCCEEDED: 'bank.debit.succeeded.v1',
  BANK_DEBIT_DECLINED: 'bank.debit.declined.v1',
  BANK_CREDIT_SUCCEEDED: 'bank.credit.succeeded.v1',
  BANK_CREDIT_DECLINED: 'bank.credit.declined.v1',
  PAYMENT_INITIATED: 'payments.payment.initiated.v1',
  PAYMENT_COMPLETED: 'payments.payment.completed.v1',
  PAYMENT_FAILED: 'payments.payment.failed.v1',
  PAYMENT_REVERSED: 'payments.payment.reversed.v1',
  NOTIFICATION_RECORDED: 'notifications.notification.recorded.v1',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

type EventSource = (typeof EVENT_SOURCES)[keyof typeof EVENT_SOURCES];

/** The payload field holding the aggregate id, which must also be the record key. */
export type AggregateKeyField = 'paymentId' | 'userId';

export interface EventTypeSpec<T extends object = object> {
  readonly type: EventType;
  readonly topic: Topic;
  readonly payload: new () => T;
  /** The only CloudEvents `source` allowed to emit this type; consumers refuse any other sender. */
  readonly source: EventSource;
  readonly keyField: AggregateKeyField;
}

const spec = <T extends object>(type: EventType, topic: Topic, payload: new () => T, source: EventSource, keyField: AggregateKeyField): EventTypeSpec<T> => ({
  type,
  topic,
  payload,
  source,
  keyField,
});

const { IDENTITY, PAYMENTS, BANK_CONNECTOR, NOTIFICATIONS } = EVENT_SOURCES;

export const EVENT_CATALOGUE: Readonly<Record<EventType, EventTypeSpec>> = {
  [EVENT_TYPES.USER_REGISTERED]: spec(EVENT_TYPES.USER_REGISTERED, TOPICS.IDENTITY_EVENTS, UserRegistered, IDENTITY, 'userId'),
  [EVENT_TYPES.BANK_ACCOUNT_LINKED]: spec(EVENT_TYPES.BANK_ACCOUNT_LINKED, TOPICS.IDENTITY_EVENTS, BankAccountLinked, IDENTITY, 'userId'),
  [EVENT_TYPES.BANK_DEBIT_REQUESTED]: spec(EVENT_TYPES.BANK_DEBIT_REQUESTED, TOPICS.BANK_REQUESTS, BankLegRequested, PAYMENTS, 'paymentId'),
  [EVENT_TYPES.BANK_CREDIT_REQUESTED]: spec(EVENT_TYPES.BANK_CREDIT_REQUESTED, TOPICS.BANK_REQUESTS, BankLegRequested, PAYMENTS, 'paymentId'),
  [EVENT_TYPES.BANK_DEBIT_SUCCEEDED]: spec(EVENT_TYPES.BANK_DEBIT_SUCCEEDED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId'),
  [EVENT_TYPES.BANK_DEBIT_DECLINED]: spec(EVENT_TYPES.BANK_DEBIT_DECLINED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId'),
  [EVENT_TYPES.BANK_CREDIT_SUCCEEDED]: spec(EVENT_TYPES.BANK_CREDIT_SUCCEEDED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId'),
  [EVENT_TYPES.BANK_CREDIT_DECLINED]: spec(EVENT_TYPES.BANK_CREDIT_DECLINED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId'),
  [EVENT_TYPES.PAYMENT_INITIATED]: spec(EVENT_TYPES.PAYMENT_INITIATED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId'),
  [EVENT_TYPES.PAYMENT_COMPLETED]: spec(EVENT_TYPES.PAYMENT_COMPLETED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId'),
  [EVENT_TYPES.PAYMENT_FAILED]: spec(EVENT_TYPES.PAYMENT_FAILED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId'),
  [EVENT_TYPES.PAYMENT_REVERSED]: spec(EVENT_TYPES.PAYMENT_REVERSED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId'),
  [EVENT_TYPES.NOTIFICATION_RECORDED]: spec(EVENT_TYPES.NOTIFICATION_RECORDED, TOPICS.NOTIFICATIONS_EVENTS, NotificationRecorded, NOTIFICATIONS, 'userId'),
};

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, value);
}

export function eventTypesOnTopic(topic: string): EventType[] {
  return Object.values(EVENT_CATALOGUE)
    .filter((entry) => entry.topic === topic)
    .map((entry) => entry.type);
}
