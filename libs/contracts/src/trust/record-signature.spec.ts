import { generateKeyPairSync } from 'node:crypto';
import { base64url, exportJWK, FlattenedSign, flattenedVerify } from 'jose';
import { CE_HEADERS } from '../cloudevents';
import { generateRecordSigningKeyPair, loadRecordSigningKey, platformKeyId, RecordSigningKey, TrustedSigningKeys } from './message-keys';
import { freshnessProblem, recordSigningInput, SignableRecord, signRecord, verifyRecordSignature } from './record-signature';

const record: SignableRecord = {
  topic: 'bank.requests.v1',
  key: '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01',
  headers: {
    [CE_HEADERS.ID]: 'f4a5d0c2-0d5e-4a6f-9a43-4a3c1fb9e0a1',
    [CE_HEADERS.SOURCE]: '/kirim/payments',
    [CE_HEADERS.TYPE]: 'bank.debit.requested.v1',
    [CE_HEADERS.TIME]: '2026-11-30T10:00:00.000Z',
    [CE_HEADERS.SPEC_VERSION]: '1.0',
    [CE_HEADERS.CONTENT_TYPE]: 'application/json',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  },
  value: new TextEncoder().encode('{"amount":{"value":"500.00","currency":"INR"}}'),
};

describe('record signatures', () => {
  let payments: RecordSigningKey;
  let other: RecordSigningKey;
  let trusted: TrustedSigningKeys;

  beforeAll(async () => {
    const paymentsPair = await generateRecordSigningKeyPair(platformKeyId('payments', 'k1'));
    const otherPair = await generateRecordSigningKeyPair(platformKeyId('bank-connector', 'k1'));
    payments = loadRecordSigningKey(paymentsPair.privateKeyPem, 'payments:k1');
    other = loadRecordSigningKey(otherPair.privateKeyPem, 'bank-connector:k1');
    trusted = await TrustedSigningKeys.ofPlatform({ keys: [paymentsPair.publicJwk, otherPair.publicJwk] });
  });

  it('verifies a record signed by the party that must sign it', async () => {
    const signature = await signRecord(record, payments);
    expect(signature).toMatch(/^[\w-]+\.\.[\w-]+$/);
    await expect(verifyRecordSignature(record, signature, 'payments', trusted)).resolves.toEqual({ ok: true, kid: 'payments:k1' });
  });

  it('leaves headers outside the signed set (traceparent) free to change', async () => {
    const signature = await signRecord(record, payments);
    const retraced = { ...record, headers: { ...record.headers, traceparent: '00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01' } };
    await expect(verifyRecordSignature(retraced, signature, 'payments', trusted)).resolves.toMatchObject({ ok: true });
  });

  it.each([
    ['the value', { value: new TextEncoder().encode('{"amount":{"value":"50000.00","currency":"INR"}}') }],
    ['the key', { key: '00000000-0000-4000-8000-000000000000' }],
    ['the topic', { topic: 'bank.responses.v1' }],
  ])('refuses a record whose %s was changed after signing', async (_what, change) => {
    const signature = await signRecord(record, payments);
    const check = await verifyRecordSignature({ ...record, ...change }, signature, 'payments', trusted);
    expect(check).toEqual({ ok: false, reason: expect.stringMatching(/does not verify/) });
  });

  it.each([CE_HEADERS.ID, CE_HEADERS.SOURCE, CE_HEADERS.TYPE, CE_HEADERS.TIME, CE_HEADERS.SUBJECT])('refuses a record whose %s was changed or added', async (header) => {
    const signature = await signRecord(record, payments);
    const check = await verifyRecordSignature({ ...record, headers: { ...record.headers, [header]: 'changed' } }, signature, 'payments', trusted);
    expect(check.ok).toBe(false);
  });

  it('refuses an unsigned record', async () => {
    await expect(verifyRecordSignature(record, undefined, 'payments', trusted)).resolves.toEqual({ ok: false, reason: expect.stringMatching(/^unsigned/) });
  });

  it("refuses a record signed with another party's trusted key", async () => {
    const signature = await signRecord(record, other);
    await expect(verifyRecordSignature(record, signature, 'payments', trusted)).resolves.toEqual({
      ok: false,
      reason: expect.stringMatching(/not a trusted key of payments/),
    });
  });

  it('refuses a record signed with an untrusted key that reuses a trusted kid', async () => {
    const impostor = await generateRecordSigningKeyPair('payments:k1');
    const signature = await signRecord(record, loadRecordSigningKey(impostor.privateKeyPem, 'payments:k1'));
    await expect(verifyRecordSignature(record, signature, 'payments', trusted)).resolves.toEqual({ ok: false, reason: expect.stringMatching(/does not verify/) });
  });

  it.each([
    ['garbage', 'not-a-jws'],
    ['an attached payload', 'eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln'],
    ['a header of another type', `${Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'payments:k1', typ: 'JWT' })).toString('base64url')}..c2ln`],
    ['alg none', `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'payments:k1', typ: 'kirim-record+jws' })).toString('base64url')}..c2ln`],
    ['HS256', `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'payments:k1', typ: 'kirim-record+jws' })).toString('base64url')}..c2ln`],
  ])('refuses %s as a signature', async (_what, signature) => {
    await expect(verifyRecordSignature(record, signature, 'payments', trusted)).resolves.toMatchObject({ ok: false });
  });

  it('refuses to sign a field holding a control character', () => {
    expect(() => recordSigningInput({ ...record, headers: { ...record.headers, [CE_HEADERS.ID]: 'a\ntopic=x' } })).toThrow(/control character/);
  });

  it('trusts two keys of one principal at once, so a key can be rotated', async () => {
    const next = await generateRecordSigningKeyPair('payments:k2');
    const both = trusted.merge(await TrustedSigningKeys.ofPlatform({ keys: [next.publicJwk] }));
    const signature = await signRecord(record, loadRecordSigningKey(next.privateKeyPem, 'payments:k2'));
    await expect(verifyRecordSignature(record, signature, 'payments', both)).resolves.toEqual({ ok: true, kid: 'payments:k2' });
    await expect(verifyRecordSignature(record, await signRecord(record, payments), 'payments', both)).resolves.toEqual({ ok: true, kid: 'payments:k1' });
    expect(both.keyIdsOf('payments')).toEqual(['payments:k1', 'payments:k2']);
  });
});

describe('record signatures are plain RFC 7515 JWS (interoperable with jose)', () => {
  it.each([
    ['EdDSA', () => generateKeyPairSync('ed25519')],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
  ] as const)('%s: ours verifies with jose, and jose’s with ours', async (alg, makePair) => {
    const { privateKey, publicKey } = makePair();
    const kid = `partner-test:${alg}`;
    const key = loadRecordSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), kid);
    const trusted = await TrustedSigningKeys.of('partner-test', { keys: [{ ...(await exportJWK(publicKey)), kid, use: 'sig' }] });
    const input = recordSigningInput(record);

    const ours = await signRecord(record, key);
    const [protectedHeader, , signature] = ours.split('.');
    await expect(flattenedVerify({ protected: protectedHeader, payload: base64url.encode(input), signature }, publicKey, { algorithms: [alg] })).resolves.toBeDefined();

    const theirs = await new FlattenedSign(input).setProtectedHeader({ alg, kid, typ: 'kirim-record+jws' }).sign(privateKey);
    await expect(verifyRecordSignature(record, `${theirs.protected}..${theirs.signature}`, 'partner-test', trusted)).resolves.toEqual({ ok: true, kid });
  });

  it("refuses a header whose alg is not the trusted key's own", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const trusted = await TrustedSigningKeys.of('partner-test', { keys: [{ ...(await exportJWK(publicKey)), kid: 'k', use: 'sig' }] });
    const signed = await new FlattenedSign(recordSigningInput(record)).setProtectedHeader({ alg: 'EdDSA', kid: 'k', typ: 'kirim-record+jws' }).sign(privateKey);
    const relabelled = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'k', typ: 'kirim-record+jws' })).toString('base64url');
    await expect(verifyRecordSignature(record, `${relabelled}..${signed.signature}`, 'partner-test', trusted)).resolves.toMatchObject({ ok: false });
  });
});

describe('freshness', () => {
  const now = new Date('2026-11-30T10:00:00.000Z');
  const window = { maxAgeMs: 300_000, maxFutureSkewMs: 30_000 };

  it.each([
    ['2026-11-30T10:00:00.000Z', null],
    ['2026-11-30T09:55:00.000Z', null],
    ['2026-11-30T10:00:30.000Z', null],
  ])('accepts %s', (time, expected) => {
    expect(freshnessProblem(time, now, window)).toBe(expected);
  });

  it.each([
    ['2026-11-30T09:54:59.000Z', /late/],
    ['2026-11-30T10:00:31.000Z', /future/],
    ['yesterday', /not a timestamp/],
    [undefined, /required/],
  ])('refuses %s', (time, reason) => {
    expect(freshnessProblem(time, now, window)).toMatch(reason);
  });
});
