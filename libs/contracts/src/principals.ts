import { EVENT_SOURCES } from './cloudevents';
import { BANK_CODE_PATTERN } from './values/identifiers';

/**
 * Who may write to kirim's Kafka and sign its records: each kirim service and each partner bank.
 * One name per party serves as its Kafka user (SASL/SCRAM), the owner of its signing keys, and the
 * subject of its ACLs (kafka-acls.ts), so "who wrote this" has one answer everywhere.
 */
export const SERVICE_PRINCIPALS = {
  IDENTITY: 'identity',
  PAYMENTS: 'payments',
  BANK_CONNECTOR: 'bank-connector',
  NOTIFICATIONS: 'notifications',
} as const;

export type ServicePrincipal = (typeof SERVICE_PRINCIPALS)[keyof typeof SERVICE_PRINCIPALS];

/** The CloudEvents `source` of a partner bank's records, with `{bank}` its code in lower case. */
export const PARTNER_SOURCE_TEMPLATE = '/partners/{bank}';

export function partnerSource(bankCode: string): string {
  return PARTNER_SOURCE_TEMPLATE.replace('{bank}', partnerSegment(bankCode));
}

/** A partner bank's principal: `partner-<code in lower case>`, e.g. `partner-xmpl`. */
export function partnerPrincipal(bankCode: string): string {
  return `partner-${partnerSegment(bankCode)}`;
}

const SERVICE_OF_SOURCE: ReadonlyMap<string, ServicePrincipal> = new Map([
  [EVENT_SOURCES.IDENTITY, SERVICE_PRINCIPALS.IDENTITY],
  [EVENT_SOURCES.PAYMENTS, SERVICE_PRINCIPALS.PAYMENTS],
  [EVENT_SOURCES.BANK_CONNECTOR, SERVICE_PRINCIPALS.BANK_CONNECTOR],
  [EVENT_SOURCES.NOTIFICATIONS, SERVICE_PRINCIPALS.NOTIFICATIONS],
]);

/** The service principal behind a kirim CloudEvents source (`/kirim/payments` -> `payments`). */
export function servicePrincipalOf(source: string): ServicePrincipal | undefined {
  return SERVICE_OF_SOURCE.get(source);
}

function partnerSegment(bankCode: string): string {
  if (!BANK_CODE_PATTERN.test(bankCode)) throw new Error(`not a bank code: ${JSON.stringify(bankCode)}`);
  return bankCode.toLowerCase();
}
