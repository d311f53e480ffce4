import { randomUUID } from 'node:crypto';
import {
  bankEncryptionKeyOf,
  generateEncryptionKeyPair,
  generateRecordSigningKeyPair,
  JSONWebKeySetLike,
  loadRecordSigningKey,
  PlatformDecryptionKeys,
  platformKeyId,
  RecordSigningKey,
} from '@kirim/contracts';
import type { OutgoingRecord } from '../answers/answer-factory';
import { conformanceTxnId, KirimRequestFactory, LegRequestContent, Tampering } from '../conformance/kirim-requests';
import { BankKeys, generateBankKeys, GeneratedBankKeys, loadBankKeys } from '../keys/bank-keys';
import type { JwksFetchers } from '../keys/jwks-location';
import { PlatformKeyring } from '../keys/platform-keyring';
import type { ConsumedRecord } from '../requests/partner-request';

/** Keys and builders shared by the kit's unit tests: everything in memory. */
export interface KitFixture {
  readonly bankCode: 'XMPL';
  readonly kirimKey: RecordSigningKey;
  readonly platformJwks: JSONWebKeySetLike;
  readonly bank: GeneratedBankKeys;
  readonly bankKeys: BankKeys;
  readonly requests: KirimRequestFactory;
  readonly keyring: PlatformKeyring;
  /** kirim's side of the holder-name encryption: bank-connector's private encryption key (kid bank-connector:enc-test-1). */
  readonly kirimDecryption: PlatformDecryptionKeys;
}

export async function kitFixture(now: () => Date = () => new Date()): Promise<KitFixture> {
  const kirim = await generateRecordSigningKeyPair(platformKeyId('bank-connector', 'test-1'));
  const payments = await generateRecordSigningKeyPair(platformKeyId('payments', 'test-1'));
  const kirimKey = loadRecordSigningKey(kirim.privateKeyPem, 'bank-connector:test-1');
  const kirimEncryption = await generateEncryptionKeyPair(platformKeyId('bank-connector', 'enc-test-1'));
  const kirimDecryption = PlatformDecryptionKeys.fromPem('bank-connector', [{ kid: 'bank-connector:enc-test-1', pem: kirimEncryption.privateKeyPem }]);
  const platformJwks = { keys: [kirim.publicJwk, payments.publicJwk, kirimEncryption.publicJwk] };
  const bank = await generateBankKeys('XMPL', 'test');
  const bankKeys = loadBankKeys({ signingKeyPem: bank.signingKeyPem, encryptionKeyPem: bank.encryptionKeyPem, jwks: bank.jwks });
  const requests = new KirimRequestFactory({ bankCode: 'XMPL', topicPrefix: '', signingKey: kirimKey, bankEncryptionKey: await bankEncryptionKeyOf(bank.jwks), now });
  return { bankCode: 'XMPL', kirimKey, platformJwks, bank, bankKeys, requests, keyring: await PlatformKeyring.load({ jwks: platformJwks }), kirimDecryption };
}

export function legContent(overrides: Partial<LegRequestContent> = {}): LegRequestContent {
  return {
    direction: 'debit',
    requestId: randomUUID(),
    paymentId: randomUUID(),
    txnId: conformanceTxnId(),
    purpose: 'payment',
    amount: '60.00',
    accountRef: randomUUID(),
    ...overrides,
  };
}

/** An outgoing record as the bank's consumer would read it at `offset`. */
export function consumed(record: OutgoingRecord, offset = '0', partition = 0): ConsumedRecord {
  return { position: { topic: record.topic, partition, offset }, key: record.key, value: new TextEncoder().encode(record.value), headers: { ...record.headers } };
}

export async function signedLeg(fixture: KitFixture, content: LegRequestContent, tampering?: Tampering, offset?: string): Promise<ConsumedRecord> {
  return consumed(await fixture.requests.leg(content, tampering), offset);
}

/** JWKS "files" held in a map, for keyring reloads without I/O. */
export function fakeJwksFiles(files: Map<string, JSONWebKeySetLike>): JwksFetchers {
  return {
    readFile: async (path) => {
      const jwks = files.get(path);
      if (!jwks) throw new Error('ENOENT');
      return JSON.stringify(jwks);
    },
    fetchText: async () => {
      throw new Error('no network in unit tests');
    },
  };
}
