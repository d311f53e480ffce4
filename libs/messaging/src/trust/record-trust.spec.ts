import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaMessage, Message } from 'kafkajs';
import {
  EVENT_SOURCES,
  EVENT_TYPES,
  generateRecordSigningKeyPair,
  loadRecordSigningKey,
  partnerResponsesTopic,
  partnerSource,
  SIGNATURE_HEADER,
  TOPICS,
  TrustedSigningKeys,
} from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';
import { encodeCloudEvent } from '../codec/cloud-event.codec';
import { MessageTrustConfig } from './message-trust.config';
import { createRecordSigner, createRecordVerifier } from './message-trust.factory';
import { RecordSigner, RecordVerifier } from './record-trust';

const NOW = new Date('2026-11-30T10:00:00.000Z');
const WINDOW = { maxAgeMs: 300_000, maxFutureSkewMs: 30_000 };

function consumed(message: Message, offset = '0'): KafkaMessage {
  const headers: KafkaMessage['headers'] = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Buffer.from(String(value));
  return { key: Buffer.from(String(message.key)), value: Buffer.from(String(message.value)), headers, offset, timestamp: '0', attributes: 0 } as KafkaMessage;
}

function debitRequest(time = NOW): Message {
  const paymentId = randomUUID();
  return encodeCloudEvent({
    id: randomUUID(),
    type: EVENT_TYPES.BANK_DEBIT_REQUESTED,
    source: EVENT_SOURCES.PAYMENTS,
    time,
    key: paymentId,
    data: { requestId: randomUUID(), paymentId, amount: { value: '500.00', currency: 'INR' } },
  });
}

describe('RecordSigner and RecordVerifier', () => {
  let payments: RecordSigner;
  let bankConnector: RecordSigner;
  let verifier: RecordVerifier;

  beforeAll(async () => {
    const paymentsPair = await generateRecordSigningKeyPair('payments:k1');
    const connectorPair = await generateRecordSigningKeyPair('bank-connector:k1');
    payments = new RecordSigner(loadRecordSigningKey(paymentsPair.privateKeyPem, 'payments:k1'));
    bankConnector = new RecordSigner(loadRecordSigningKey(connectorPair.privateKeyPem, 'bank-connector:k1'));
    verifier = new RecordVerifier(await TrustedSigningKeys.ofPlatform({ keys: [paymentsPair.publicJwk, connectorPair.publicJwk] }), WINDOW, () => NOW);
  });

  it('signs records on signed topics only', async () => {
    expect((await payments.sign(TOPICS.BANK_REQUESTS, debitRequest())).headers?.[SIGNATURE_HEADER]).toEqual(expect.any(String));
    expect((await payments.sign(TOPICS.PAYMENTS_EVENTS, debitRequest())).headers?.[SIGNATURE_HEADER]).toBeUndefined();
  });

  it('passes a fresh record signed by the producer the catalogue names', async () => {
    await expect(verifier.check(TOPICS.BANK_REQUESTS, consumed(await payments.sign(TOPICS.BANK_REQUESTS, debitRequest())))).resolves.toBeNull();
  });

  it('refuses an unsigned record on a signed topic, and checks nothing on an unsigned one', async () => {
    await expect(verifier.check(TOPICS.BANK_REQUESTS, consumed(debitRequest()))).resolves.toMatch(/^unsigned/);
    await expect(verifier.check(TOPICS.PAYMENTS_EVENTS, consumed(debitRequest()))).resolves.toBeNull();
  });

  it('refuses a bank request signed by bank-connector: only payments may sign that type', async () => {
    const forged = await bankConnector.sign(TOPICS.BANK_REQUESTS, debitRequest());
    await expect(verifier.check(TOPICS.BANK_REQUESTS, consumed(forged))).resolves.toMatch(/not a trusted key of payments/);
  });

  it('leaves a record of a type foreign to the topic to the decoder, which refuses it', async () => {
    const signed = await payments.sign(TOPICS.BANK_REQUESTS, debitRequest());
    await expect(verifier.check(TOPICS.BANK_RESPONSES, consumed(signed))).resolves.toBeNull();
  });

  it('refuses an old signed record (a replay) and one from the future', async () => {
    const old = await payments.sign(TOPICS.BANK_REQUESTS, debitRequest(new Date(NOW.getTime() - 301_000)));
    const future = await payments.sign(TOPICS.BANK_REQUESTS, debitRequest(new Date(NOW.getTime() + 31_000)));
    await expect(verifier.check(TOPICS.BANK_REQUESTS, consumed(old))).resolves.toMatch(/^late/);
    await expect(verifier.check(TOPICS.BANK_REQUESTS, consumed(future))).resolves.toMatch(/future/);
  });

  it("expects a partner's answer to be signed by that partner", async () => {
    await expect(verifier.check(partnerResponsesTopic('XMPL'), consumed(encodeCloudEvent({ id: randomUUID(), type: EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED, source: partnerSource('XMPL'), time: NOW, key: 'k', data: {} })))).resolves.toMatch(
      /^unsigned/,
    );
  });
});

describe('signing configuration at boot', () => {
  function config(overrides: Partial<MessageTrustConfig>): MessageTrustConfig {
    return Object.assign(new MessageTrustConfig(), overrides);
  }

  it('requires a signing key of its own from a service that emits signed records', async () => {
    expect(() => createRecordSigner(config({}), { source: EVENT_SOURCES.PAYMENTS })).toThrow(ConfigError);
    const pair = await generateRecordSigningKeyPair('bank-connector:k1');
    expect(() => createRecordSigner(config({ MESSAGE_SIGNING_KEY: pair.privateKeyPem, MESSAGE_SIGNING_KEY_ID: 'bank-connector:k1' }), { source: EVENT_SOURCES.PAYMENTS })).toThrow(
      /must name this service \(payments:<label>\)/,
    );
    expect(createRecordSigner(config({}), { source: EVENT_SOURCES.NOTIFICATIONS }).enabled).toBe(false);
  });

  it('refuses MESSAGE_SIGNATURES=off in production', () => {
    expect(() => createRecordSigner(config({ MESSAGE_SIGNATURES: 'off', NODE_ENV: 'production' }), { source: EVENT_SOURCES.PAYMENTS })).toThrow(/refused when NODE_ENV=production/);
  });

  it("requires the platform's keys from a service that reads signed topics, and a key for every signer", async () => {
    const consumer = { source: EVENT_SOURCES.PAYMENTS, consumer: { groupId: 'g', topics: [TOPICS.BANK_RESPONSES] } };
    await expect(createRecordVerifier(config({}), consumer)).rejects.toThrow(/MESSAGE_TRUSTED_KEYS_FILE is required/);

    const dir = mkdtempSync(join(tmpdir(), 'kirim-keys-'));
    const file = join(dir, 'platform.jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [(await generateRecordSigningKeyPair('payments:k1')).publicJwk] }));
    await expect(createRecordVerifier(config({ MESSAGE_TRUSTED_KEYS_FILE: file }), consumer)).rejects.toThrow(/no trusted signing key of bank-connector/);

    writeFileSync(file, JSON.stringify({ keys: [(await generateRecordSigningKeyPair('bank-connector:k1')).publicJwk] }));
    await expect(createRecordVerifier(config({ MESSAGE_TRUSTED_KEYS_FILE: file }), consumer)).resolves.toBeInstanceOf(RecordVerifier);
    await expect(createRecordVerifier(config({}), { source: EVENT_SOURCES.NOTIFICATIONS, consumer: { groupId: 'g', topics: [TOPICS.PAYMENTS_EVENTS] } })).resolves.toBeUndefined();
  });
});
