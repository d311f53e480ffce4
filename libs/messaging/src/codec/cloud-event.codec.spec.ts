import { randomUUID } from 'node:crypto';
import type { KafkaMessage, Message } from 'kafkajs';
import { EVENT_SOURCES, EVENT_TYPES, partnerResponsesTopic, partnerSource, TOPICS } from '@kirim/contracts';
import { decodeCloudEvent, encodeCloudEvent } from './cloud-event.codec';
import { childTraceparent, isValidTraceparent } from './traceparent';

const paymentId = randomUUID();
const result = {
  requestId: randomUUID(),
  paymentId,
  purpose: 'payment',
  bankCode: 'SBXA',
  accountRef: randomUUID(),
  amount: { value: '500.00', currency: 'INR' },
  resultCode: '00',
  rrn: '000000000042',
};

function asConsumed(message: Message): KafkaMessage {
  const headers: KafkaMessage['headers'] = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Buffer.from(String(value));
  return {
    key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
    value: message.value === null ? null : Buffer.from(message.value as string),
    headers,
    offset: '7',
    timestamp: '0',
    attributes: 0,
  } as KafkaMessage;
}

function encoded(overrides: Partial<Parameters<typeof encodeCloudEvent>[0]> = {}): Message {
  return encodeCloudEvent({
    id: randomUUID(),
    type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED,
    source: EVENT_SOURCES.BANK_CONNECTOR,
    time: new Date('2026-11-28T00:00:00Z'),
    key: paymentId,
    data: result,
    traceparent: childTraceparent(),
    ...overrides,
  });
}

describe('CloudEvents Kafka binding, binary mode', () => {
  it('puts the attributes in ce_ headers, the data in the value and the aggregate id in the key', () => {
    const message = encoded();
    expect(message.key).toBe(paymentId);
    expect(message.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED,
      ce_source: EVENT_SOURCES.BANK_CONNECTOR,
      ce_time: '2026-11-28T00:00:00.000Z',
      'content-type': 'application/json',
    });
    expect(isValidTraceparent(String(message.headers?.traceparent))).toBe(true);
    expect(JSON.parse(String(message.value))).toEqual(result);
  });

  it('round-trips a valid event into a validated payload', () => {
    const message = encoded();
    const decoded = decodeCloudEvent(TOPICS.BANK_RESPONSES, asConsumed(message));
    expect(decoded).toMatchObject({ ok: true, event: { id: message.headers?.ce_id, type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, key: paymentId, data: result } });
  });

  it.each([
    ['a record without CloudEvents headers', { ...encoded(), headers: {} }, /not a CloudEvents 1.0 binary-mode record/],
    ['a value that is not JSON', { ...encoded(), value: '{' }, /not valid JSON/],
    ['an empty value', { ...encoded(), value: '' }, /value .* is empty/],
    ['a record without a key', { ...encoded(), key: null }, /key .* is missing/],
    ['an unknown type', encoded({ type: 'bank.debit.vanished.v1' }), /unknown event type/],
    ['a type from another topic', encoded({ type: EVENT_TYPES.PAYMENT_COMPLETED }), /belongs on payments.events.v1/],
    ['data that breaks the contract', encoded({ data: { ...result, rrn: '12' } }), /rrn/],
    ['data with a field the contract does not know', encoded({ data: { ...result, pin: '1234' } }), /property pin should not exist/],
  ])('refuses %s with a reason', (_label, message, reason) => {
    const decoded = decodeCloudEvent(TOPICS.BANK_RESPONSES, asConsumed(message as Message));
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.reason).toMatch(reason);
  });
});

describe('traceparent', () => {
  it('continues the parent trace with a new span', () => {
    const parent = childTraceparent();
    const child = childTraceparent(parent);
    expect(child.split('-')[1]).toBe(parent.split('-')[1]);
    expect(child.split('-')[2]).not.toBe(parent.split('-')[2]);
  });

  it('starts a new trace when the parent is missing or malformed', () => {
    expect(isValidTraceparent(childTraceparent('garbage'))).toBe(true);
    expect(isValidTraceparent(`00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`)).toBe(false);
  });
});

describe('who may say what', () => {
  it('refuses an event from a source other than the one that owns its type', () => {
    const decoded = decodeCloudEvent(TOPICS.BANK_RESPONSES, asConsumed(encoded({ source: EVENT_SOURCES.PAYMENTS })));
    expect(decoded).toMatchObject({ ok: false, reason: expect.stringContaining('must come from /kirim/bank-connector') });
  });

  it('refuses a record whose key is not the aggregate id in its data', () => {
    const decoded = decodeCloudEvent(TOPICS.BANK_RESPONSES, asConsumed(encoded({ key: randomUUID() })));
    expect(decoded).toMatchObject({ ok: false, reason: 'record key must be the aggregate id (data.paymentId)' });
  });
});

describe('partner topics', () => {
  const answer = {
    requestId: randomUUID(),
    paymentId,
    purpose: 'payment',
    bankCode: 'XMPL',
    amount: { value: '500.00', currency: 'INR' },
    accountDigest: 'A'.repeat(43),
    resultCode: '00',
    rrn: '000000000042',
  };
  const partnerAnswer = (overrides: Partial<Parameters<typeof encodeCloudEvent>[0]> = {}): Message =>
    encoded({ type: EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED, source: partnerSource('XMPL'), data: answer, ...overrides });

  it("accepts a bank's answer on its own response topic, from its own source", () => {
    expect(decodeCloudEvent(partnerResponsesTopic('XMPL'), asConsumed(partnerAnswer()))).toMatchObject({ ok: true, event: { data: answer } });
  });

  it('refuses an answer from another source than the bank of the topic', () => {
    const decoded = decodeCloudEvent(partnerResponsesTopic('XMPL'), asConsumed(partnerAnswer({ source: partnerSource('OTHR') })));
    expect(decoded).toMatchObject({ ok: false, reason: expect.stringMatching(/must come from \/partners\/xmpl/) });
  });

  it("refuses an answer naming another bank than the topic's", () => {
    const decoded = decodeCloudEvent(partnerResponsesTopic('OTHR'), asConsumed(partnerAnswer({ source: partnerSource('OTHR') })));
    expect(decoded).toMatchObject({ ok: false, reason: expect.stringMatching(/data.bankCode must be OTHR/) });
  });

  it("refuses a partner type on a kirim topic and a kirim type on a partner topic", () => {
    expect(decodeCloudEvent(TOPICS.BANK_RESPONSES, asConsumed(partnerAnswer()))).toMatchObject({ ok: false, reason: expect.stringMatching(/belongs on partner\.\{bank\}\.responses\.v1/) });
    expect(decodeCloudEvent(partnerResponsesTopic('XMPL'), asConsumed(encoded()))).toMatchObject({ ok: false, reason: expect.stringMatching(/belongs on bank\.responses\.v1/) });
  });
});
