// Test data for the consumer's specs and integration tests; nothing outside tests imports it.
import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { BankLegRequested, EVENT_SOURCES, EVENT_TYPES } from '@kirim/contracts';
import { encodeCloudEvent } from '../codec/cloud-event.codec';

/** A debit command with new ids: `changes` replaces fields, or is just the amount in rupees. */
export function legCommand(changes: Partial<BankLegRequested> | string = {}): BankLegRequested {
  return {
    requestId: randomUUID(),
    paymentId: randomUUID(),
    txnId: `KRM${randomUUID().replace(/-/g, '').toUpperCase()}`,
    purpose: 'payment',
    bankCode: 'SBXA',
    accountRef: randomUUID(),
    amount: { value: '500.00', currency: 'INR' },
    ...(typeof changes === 'string' ? { amount: { value: changes, currency: 'INR' } } : changes),
  };
}

/** A record of bank.requests.v1 carrying `data`, as kafkajs hands it to the consumer at `offset`. */
export function consumedRecord(data: BankLegRequested, offset: number, traceparent?: string): KafkaMessage {
  const encoded = encodeCloudEvent({ id: randomUUID(), type: EVENT_TYPES.BANK_DEBIT_REQUESTED, source: EVENT_SOURCES.PAYMENTS, time: new Date(), key: data.paymentId, data, traceparent });
  const headers = Object.fromEntries(Object.entries(encoded.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
  return { key: Buffer.from(data.paymentId), value: Buffer.from(String(encoded.value)), headers, offset: String(offset), timestamp: String(Date.now()), attributes: 0 };
}

/**
 * A fake inbox's answer to BatchProcessor's INSERTs when every message is new: for a chunk's (source
 * and id arrays as its second and third parameters) every row back, for a single message one row.
 */
export function everyMessageNew(sql: string, params: readonly unknown[]): unknown[] {
  if (!sql.includes('RETURNING source, message_id')) return [1];
  const [, sources, ids] = params as [string, string[], string[]];
  return sources.map((source, index) => ({ source, message_id: ids[index] }));
}
