import { BankLegRequested, BankLegResult } from './events/bank';
import { BankAccountLinked, UserAppPresenceChanged, UserPreferencesChanged, UserRegistered } from './events/identity';
import { NotificationRecorded } from './events/notifications';
import { PartnerAccountLookupAnswered, PartnerAccountLookupRequested, PartnerLegAnswered, PartnerLegRequested } from './events/partner';
import { CollectRequestEvent, MerchantOnboarded, PaymentLifecycleEvent } from './events/payments';
import { EVENT_SOURCES } from './cloudevents';
import { PARTNER_SOURCE_TEMPLATE, partnerPrincipal, partnerSource, servicePrincipalOf } from './principals';
import { isPartnerTopicTemplate, isSignedTopicAddress, PARTNER_TOPICS, resolveTopic, resolveTopicAddress, ResolvedTopic, TOPICS, TopicAddress } from './topics';

/**
 * Every CloudEvents `type` kirim and its partner banks emit, named `<domain>.<entity>.<event>.v<major>`,
 * with the topic it travels on, the class its `data` must satisfy, who may emit it and which field
 * is its record key. Producers and consumers both validate against this map, so an unknown type or
 * a payload that does not fit is refused at either end; the AsyncAPI document is generated from it.
 */
export const EVENT_TYPES = {
  USER_REGISTERED: 'identity.user.registered.v1',
  BANK_ACCOUNT_LINKED: 'identity.bank-account.linked.v1',
  USER_PREFERENCES_CHANGED: 'identity.user.preferences-changed.v1',
  USER_APP_PRESENCE_CHANGED: 'identity.user.app-presence-changed.v1',
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
  MERCHANT_ONBOARDED: 'payments.merchant.onboarded.v1',
  COLLECT_REQUEST_CREATED: 'payments.collect-request.created.v1',
  COLLECT_REQUEST_DECLINED: 'payments.collect-request.declined.v1',
  COLLECT_REQUEST_EXPIRED: 'payments.collect-request.expired.v1',
  NOTIFICATION_RECORDED: 'notifications.notification.recorded.v1',
  PARTNER_DEBIT_REQUESTED: 'partner.debit.requested.v1',
  PARTNER_CREDIT_REQUESTED: 'partner.credit.requested.v1',
  PARTNER_ACCOUNT_LOOKUP_REQUESTED: 'partner.account-lookup.requested.v1',
  PARTNER_DEBIT_SUCCEEDED: 'partner.debit.succeeded.v1',
  PARTNER_DEBIT_DECLINED: 'partner.debit.declined.v1',
  PARTNER_CREDIT_SUCCEEDED: 'partner.credit.succeeded.v1',
  PARTNER_CREDIT_DECLINED: 'partner.credit.declined.v1',
  PARTNER_ACCOUNT_LOOKUP_ANSWERED: 'partner.account-lookup.answered.v1',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/**
 * The payload class each event type carries. EVENT_CATALOGUE is typed against this map, so the two
 * cannot drift apart; a producer that builds its events as `EventOf<type>` cannot compile one whose
 * data is another type's shape (the outbox still validates the values at run time).
 */
export interface EventPayloads {
  [EVENT_TYPES.USER_REGISTERED]: UserRegistered;
  [EVENT_TYPES.BANK_ACCOUNT_LINKED]: BankAccountLinked;
  [EVENT_TYPES.USER_PREFERENCES_CHANGED]: UserPreferencesChanged;
  [EVENT_TYPES.USER_APP_PRESENCE_CHANGED]: UserAppPresenceChanged;
  [EVENT_TYPES.BANK_DEBIT_REQUESTED]: BankLegRequested;
  [EVENT_TYPES.BANK_CREDIT_REQUESTED]: BankLegRequested;
  [EVENT_TYPES.BANK_DEBIT_SUCCEEDED]: BankLegResult;
  [EVENT_TYPES.BANK_DEBIT_DECLINED]: BankLegResult;
  [EVENT_TYPES.BANK_CREDIT_SUCCEEDED]: BankLegResult;
  [EVENT_TYPES.BANK_CREDIT_DECLINED]: BankLegResult;
  [EVENT_TYPES.PAYMENT_INITIATED]: PaymentLifecycleEvent;
  [EVENT_TYPES.PAYMENT_COMPLETED]: PaymentLifecycleEvent;
  [EVENT_TYPES.PAYMENT_FAILED]: PaymentLifecycleEvent;
  [EVENT_TYPES.PAYMENT_REVERSED]: PaymentLifecycleEvent;
  [EVENT_TYPES.MERCHANT_ONBOARDED]: MerchantOnboarded;
  [EVENT_TYPES.COLLECT_REQUEST_CREATED]: CollectRequestEvent;
  [EVENT_TYPES.COLLECT_REQUEST_DECLINED]: CollectRequestEvent;
  [EVENT_TYPES.COLLECT_REQUEST_EXPIRED]: CollectRequestEvent;
  [EVENT_TYPES.NOTIFICATION_RECORDED]: NotificationRecorded;
  [EVENT_TYPES.PARTNER_DEBIT_REQUESTED]: PartnerLegRequested;
  [EVENT_TYPES.PARTNER_CREDIT_REQUESTED]: PartnerLegRequested;
  [EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_REQUESTED]: PartnerAccountLookupRequested;
  [EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED]: PartnerLegAnswered;
  [EVENT_TYPES.PARTNER_DEBIT_DECLINED]: PartnerLegAnswered;
  [EVENT_TYPES.PARTNER_CREDIT_SUCCEEDED]: PartnerLegAnswered;
  [EVENT_TYPES.PARTNER_CREDIT_DECLINED]: PartnerLegAnswered;
  [EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_ANSWERED]: PartnerAccountLookupAnswered;
}

/**
 * An outgoing event whose data is the payload its type carries. For a union of types it is the union
 * of the matching pairs, never a type paired with another type's payload. It has the shape a
 * messaging TransactionScope publishes.
 */
export type EventOf<T extends EventType = EventType> = {
  [K in T]: { readonly type: K; readonly key: string; readonly data: EventPayloads[K]; readonly subject?: string };
}[T];

/** Builds an `EventOf<T>`: the compiler checks `data` against `type`. */
export function eventOf<T extends EventType>(type: T, key: string, data: EventPayloads[T]): EventOf<T> {
  // The mapped type cannot be narrowed by TypeScript for a generic T; the signature is what checks.
  return { type, key, data } as unknown as EventOf<T>;
}

type EventSource = (typeof EVENT_SOURCES)[keyof typeof EVENT_SOURCES];

/** Who emits a type: one kirim service (its CloudEvents source), or the partner bank of the topic. */
export type EventSourceSpec = EventSource | typeof PARTNER_SOURCE_TEMPLATE;

/** The payload field holding the aggregate id, which must also be the record key. */
export type AggregateKeyField = 'paymentId' | 'userId' | 'lookupId' | 'merchantId' | 'collectRequestId';

export interface EventTypeSpec<T extends object = object> {
  readonly type: EventType;
  readonly topic: TopicAddress;
  readonly payload: new () => T;
  /** The only CloudEvents `source` allowed to emit this type; consumers refuse any other sender. */
  readonly source: EventSourceSpec;
  readonly keyField: AggregateKeyField;
  /** One sentence for the AsyncAPI document and the partner guide. */
  readonly summary: string;
}

const spec = <T extends object>(
  type: EventType,
  topic: TopicAddress,
  payload: new () => T,
  source: EventSourceSpec,
  keyField: AggregateKeyField,
  summary: string,
): EventTypeSpec<T> => ({ type, topic, payload, source, keyField, summary });

const { IDENTITY, PAYMENTS, BANK_CONNECTOR, NOTIFICATIONS } = EVENT_SOURCES;
const PARTNER = PARTNER_SOURCE_TEMPLATE;
const T = EVENT_TYPES;

export const EVENT_CATALOGUE: Readonly<Record<EventType, EventTypeSpec>> = {
  [T.USER_REGISTERED]: spec(T.USER_REGISTERED, TOPICS.IDENTITY_EVENTS, UserRegistered, IDENTITY, 'userId', 'A user registered with kirim.'),
  [T.BANK_ACCOUNT_LINKED]: spec(T.BANK_ACCOUNT_LINKED, TOPICS.IDENTITY_EVENTS, BankAccountLinked, IDENTITY, 'userId', 'A user linked a bank account (masked number only).'),
  [T.USER_PREFERENCES_CHANGED]: spec(T.USER_PREFERENCES_CHANGED, TOPICS.IDENTITY_EVENTS, UserPreferencesChanged, IDENTITY, 'userId', "A user set their language or time zone; receipts are written in them."),
  [T.USER_APP_PRESENCE_CHANGED]: spec(T.USER_APP_PRESENCE_CHANGED, TOPICS.IDENTITY_EVENTS, UserAppPresenceChanged, IDENTITY, 'userId', 'A user bound a device (has the app) or signed out of the last one (receipts go by SMS).'),
  [T.BANK_DEBIT_REQUESTED]: spec(T.BANK_DEBIT_REQUESTED, TOPICS.BANK_REQUESTS, BankLegRequested, PAYMENTS, 'paymentId', "payments asks the payer's bank to debit the payer's account."),
  [T.BANK_CREDIT_REQUESTED]: spec(T.BANK_CREDIT_REQUESTED, TOPICS.BANK_REQUESTS, BankLegRequested, PAYMENTS, 'paymentId', "payments asks a bank to credit an account: the payee's, or the payer's for a reversal."),
  [T.BANK_DEBIT_SUCCEEDED]: spec(T.BANK_DEBIT_SUCCEEDED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId', 'The debit was made.'),
  [T.BANK_DEBIT_DECLINED]: spec(T.BANK_DEBIT_DECLINED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId', 'The debit was declined, with a UPI result code.'),
  [T.BANK_CREDIT_SUCCEEDED]: spec(T.BANK_CREDIT_SUCCEEDED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId', 'The credit was made.'),
  [T.BANK_CREDIT_DECLINED]: spec(T.BANK_CREDIT_DECLINED, TOPICS.BANK_RESPONSES, BankLegResult, BANK_CONNECTOR, 'paymentId', 'The credit was declined, with a UPI result code.'),
  [T.PAYMENT_INITIATED]: spec(T.PAYMENT_INITIATED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId', 'A payment was accepted and its debit requested.'),
  [T.PAYMENT_COMPLETED]: spec(T.PAYMENT_COMPLETED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId', 'A payment was debited and credited.'),
  [T.PAYMENT_FAILED]: spec(T.PAYMENT_FAILED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId', 'A payment ended without moving money.'),
  [T.PAYMENT_REVERSED]: spec(T.PAYMENT_REVERSED, TOPICS.PAYMENTS_EVENTS, PaymentLifecycleEvent, PAYMENTS, 'paymentId', 'A debited payment whose credit failed was paid back to the payer.'),
  [T.MERCHANT_ONBOARDED]: spec(T.MERCHANT_ONBOARDED, TOPICS.PAYMENTS_EVENTS, MerchantOnboarded, PAYMENTS, 'merchantId', 'A user onboarded a merchant: its owner and public display name.'),
  [T.COLLECT_REQUEST_CREATED]: spec(T.COLLECT_REQUEST_CREATED, TOPICS.PAYMENTS_EVENTS, CollectRequestEvent, PAYMENTS, 'collectRequestId', 'A merchant or a person asked a customer to pay.'),
  [T.COLLECT_REQUEST_DECLINED]: spec(T.COLLECT_REQUEST_DECLINED, TOPICS.PAYMENTS_EVENTS, CollectRequestEvent, PAYMENTS, 'collectRequestId', 'The customer declined a collect request.'),
  [T.COLLECT_REQUEST_EXPIRED]: spec(T.COLLECT_REQUEST_EXPIRED, TOPICS.PAYMENTS_EVENTS, CollectRequestEvent, PAYMENTS, 'collectRequestId', 'A collect request was not answered before its expiry (U69).'),
  [T.NOTIFICATION_RECORDED]: spec(T.NOTIFICATION_RECORDED, TOPICS.NOTIFICATIONS_EVENTS, NotificationRecorded, NOTIFICATIONS, 'userId', 'A receipt was recorded for a user.'),
  [T.PARTNER_DEBIT_REQUESTED]: spec(T.PARTNER_DEBIT_REQUESTED, PARTNER_TOPICS.REQUESTS, PartnerLegRequested, BANK_CONNECTOR, 'paymentId', 'kirim asks the partner bank to debit one of its accounts.'),
  [T.PARTNER_CREDIT_REQUESTED]: spec(T.PARTNER_CREDIT_REQUESTED, PARTNER_TOPICS.REQUESTS, PartnerLegRequested, BANK_CONNECTOR, 'paymentId', 'kirim asks the partner bank to credit one of its accounts.'),
  [T.PARTNER_ACCOUNT_LOOKUP_REQUESTED]: spec(T.PARTNER_ACCOUNT_LOOKUP_REQUESTED, PARTNER_TOPICS.REQUESTS, PartnerAccountLookupRequested, BANK_CONNECTOR, 'lookupId', 'kirim asks the partner bank which accounts it holds for a mobile number.'),
  [T.PARTNER_DEBIT_SUCCEEDED]: spec(T.PARTNER_DEBIT_SUCCEEDED, PARTNER_TOPICS.RESPONSES, PartnerLegAnswered, PARTNER, 'paymentId', 'The partner bank made the debit.'),
  [T.PARTNER_DEBIT_DECLINED]: spec(T.PARTNER_DEBIT_DECLINED, PARTNER_TOPICS.RESPONSES, PartnerLegAnswered, PARTNER, 'paymentId', 'The partner bank declined the debit, with a UPI result code.'),
  [T.PARTNER_CREDIT_SUCCEEDED]: spec(T.PARTNER_CREDIT_SUCCEEDED, PARTNER_TOPICS.RESPONSES, PartnerLegAnswered, PARTNER, 'paymentId', 'The partner bank made the credit.'),
  [T.PARTNER_CREDIT_DECLINED]: spec(T.PARTNER_CREDIT_DECLINED, PARTNER_TOPICS.RESPONSES, PartnerLegAnswered, PARTNER, 'paymentId', 'The partner bank declined the credit, with a UPI result code.'),
  [T.PARTNER_ACCOUNT_LOOKUP_ANSWERED]: spec(T.PARTNER_ACCOUNT_LOOKUP_ANSWERED, PARTNER_TOPICS.RESPONSES, PartnerAccountLookupAnswered, PARTNER, 'lookupId', 'The partner bank lists the accounts it holds for the mobile number (masked).'),
  // Checked against EventPayloads: a spec whose payload class is not its type's payload does not compile.
} satisfies { readonly [K in EventType]: EventTypeSpec<EventPayloads[K]> };

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, value);
}

/** The event types that travel on a concrete (unprefixed) topic; none for a topic kirim does not know. */
export function eventTypesOnTopic(topic: string): EventType[] {
  const resolved = resolveTopic(topic);
  if (!resolved) return [];
  return Object.values(EVENT_CATALOGUE)
    .filter((entry) => entry.topic === resolved.address)
    .map((entry) => entry.type);
}

/**
 * The concrete topic an outgoing event goes to: its fixed topic, or for partner types the topic of
 * the bank its data names (`data.bankCode`).
 */
export function topicOfEvent(spec: EventTypeSpec, data: object): string {
  if (!isPartnerTopicTemplate(spec.topic)) return spec.topic;
  const bankCode = (data as { bankCode?: unknown }).bankCode;
  if (typeof bankCode !== 'string') throw new Error(`${spec.type} needs data.bankCode to find its topic`);
  return resolveTopicAddress(spec.topic, bankCode);
}

/** The CloudEvents source a record of this type must carry on this topic. */
export function expectedSource(spec: EventTypeSpec, topic: ResolvedTopic): string {
  if (spec.source !== PARTNER_SOURCE_TEMPLATE) return spec.source;
  if (!topic.bankCode) throw new Error(`${spec.type} travels only on a partner topic`);
  return partnerSource(topic.bankCode);
}

/**
 * Who must have signed a record of this type on this topic, or null if the topic is not signed:
 * the producing service, or the partner bank whose topic it is.
 */
export function expectedSigner(spec: EventTypeSpec, topic: ResolvedTopic): string | null {
  if (!isSignedTopicAddress(spec.topic)) return null;
  if (spec.source === PARTNER_SOURCE_TEMPLATE) {
    if (!topic.bankCode) throw new Error(`${spec.type} travels only on a partner topic`);
    return partnerPrincipal(topic.bankCode);
  }
  const service = servicePrincipalOf(spec.source);
  if (!service) throw new Error(`no principal for source ${spec.source}`);
  return service;
}
