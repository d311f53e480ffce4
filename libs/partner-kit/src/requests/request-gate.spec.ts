import { randomUUID } from 'node:crypto';
import { CE_HEADERS, generateRecordSigningKeyPair, generateEncryptionKeyPair, bankEncryptionKeyOf, loadRecordSigningKey, SIGNATURE_HEADER, signRecord } from '@kirim/contracts';
import { KirimRequestFactory } from '../conformance/kirim-requests';
import { PlatformKeyring } from '../keys/platform-keyring';
import { consumed, fakeJwksFiles, KitFixture, kitFixture, legContent, signedLeg } from '../testing/kit-fixtures';
import { RequestGate } from './request-gate';
import { InMemorySeenRecordStore } from './seen-records';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const clock = (): Date => NOW;

describe('RequestGate', () => {
  let fixture: KitFixture;
  let seen: InMemorySeenRecordStore;
  let gate: RequestGate;

  beforeAll(async () => {
    fixture = await kitFixture(clock);
  });

  beforeEach(() => {
    seen = new InMemorySeenRecordStore();
    gate = new RequestGate({ bankCode: 'XMPL', topicPrefix: '', platformKeys: fixture.keyring, decryptionKeys: [fixture.bankKeys.decryption], seen, now: clock });
  });

  it('admits a signed debit, decrypting the account and reading the amount as minor units', async () => {
    const content = legContent({ amount: '60.5' });
    const admission = await gate.admit(await signedLeg(fixture, content));
    expect(admission.kind).toBe('accepted');
    if (admission.kind !== 'accepted' || admission.request.kind !== 'leg') throw new Error('not a leg');
    expect(admission.request).toMatchObject({ direction: 'debit', requestId: content.requestId, paymentId: content.paymentId, accountRef: content.accountRef, bankCode: 'XMPL' });
    expect(admission.request.amount.minorUnits).toBe(6050n);
    expect(admission.request.fingerprint).toMatch(/^v1:[\w-]{43}$/);
  });

  it("passes a debit's PIN block to the bank unopened, outside the fingerprint; refuses a credit carrying one", async () => {
    const encryptedPin = await fixture.requests.pinBlock({ purpose: 'pay', pin: '2580', amount: { value: '60.00', currency: 'INR' }, iat: Math.floor(NOW.getTime() / 1000) });
    const content = legContent();
    const withPin = await gate.admit(await signedLeg(fixture, { ...content, encryptedPin }, undefined, '1'));
    const withoutPin = await gate.admit(await signedLeg(fixture, content, undefined, '2'));
    if (withPin.kind !== 'accepted' || withPin.request.kind !== 'leg' || withoutPin.kind !== 'accepted' || withoutPin.request.kind !== 'leg') throw new Error('not admitted');
    expect(withPin.request.encryptedPin).toBe(encryptedPin);
    expect(withoutPin.request).not.toHaveProperty('encryptedPin');
    expect(withPin.request.fingerprint).toBe(withoutPin.request.fingerprint);

    const credit = await gate.admit(await signedLeg(fixture, legContent({ direction: 'credit', encryptedPin }), undefined, '3'));
    expect(credit).toMatchObject({ kind: 'refused', check: 'contract', reason: 'encryptedPin: a credit carries no UPI PIN' });
  });

  it('admits an account lookup with the mobile decrypted', async () => {
    const lookupId = randomUUID();
    const admission = await gate.admit(consumed(await fixture.requests.lookup(lookupId, '+919800000001')));
    expect(admission).toMatchObject({ kind: 'accepted', request: { kind: 'account-lookup', lookupId, mobile: '+919800000001' } });
  });

  describe('checks in order: signature, freshness, contract, replay, decryption', () => {
    it('refuses an unsigned record at the signature, before looking at its age or content', async () => {
      const record = await signedLeg(fixture, legContent(), { unsigned: true, ceTime: new Date(NOW.getTime() - 3_600_000) });
      const broken = { ...record, value: new TextEncoder().encode('not json') };
      await expect(gate.admit(broken)).resolves.toMatchObject({ kind: 'refused', check: 'signature', reason: expect.stringMatching(/^unsigned/) });
      expect(seen.size).toBe(0);
    });

    it('refuses a signed but stale record at freshness, before its content', async () => {
      const admission = await gate.admit(await signedLeg(fixture, legContent({ amount: '0' }), { ceTime: new Date(NOW.getTime() - 6 * 60_000) }));
      expect(admission).toMatchObject({ kind: 'refused', check: 'freshness', reason: expect.stringMatching(/^late/) });
    });

    it('refuses a record from too far in the future', async () => {
      const admission = await gate.admit(await signedLeg(fixture, legContent(), { ceTime: new Date(NOW.getTime() + 60_000) }));
      expect(admission).toMatchObject({ kind: 'refused', check: 'freshness', reason: expect.stringMatching(/future/) });
    });

    it('honours a configured freshness window', async () => {
      const strict = new RequestGate({ bankCode: 'XMPL', topicPrefix: '', platformKeys: fixture.keyring, decryptionKeys: [fixture.bankKeys.decryption], seen, now: clock, freshness: { maxAgeMs: 10_000, maxFutureSkewMs: 0 } });
      await expect(strict.admit(await signedLeg(fixture, legContent(), { ceTime: new Date(NOW.getTime() - 11_000) }))).resolves.toMatchObject({ check: 'freshness' });
    });

    it('refuses a signed, fresh record whose payload breaks the contract, naming the field', async () => {
      const record = await signedLeg(fixture, legContent({ txnId: 'short' }));
      await expect(gate.admit(record)).resolves.toMatchObject({ kind: 'refused', check: 'contract', reason: expect.stringMatching(/txnId/) });
      expect(seen.size).toBe(0);
    });

    it('refuses a zero amount', async () => {
      await expect(gate.admit(await signedLeg(fixture, legContent({ amount: '0.00' })))).resolves.toMatchObject({ check: 'contract', reason: 'amount must be more than zero' });
    });
  });

  describe('signature', () => {
    it('refuses a record signed by a key kirim never published', async () => {
      const stranger = await generateRecordSigningKeyPair('bank-connector:stranger');
      const record = await signedLeg(fixture, legContent(), { signWith: loadRecordSigningKey(stranger.privateKeyPem, 'bank-connector:stranger') });
      await expect(gate.admit(record)).resolves.toMatchObject({ check: 'signature', reason: expect.stringMatching(/not a trusted key of bank-connector/) });
    });

    it("refuses a record signed with a trusted key of another kirim service (payments cannot ask a bank to move money)", async () => {
      const payments = await generateRecordSigningKeyPair('payments:test-2');
      const keyring = await PlatformKeyring.load({ jwks: { keys: [...fixture.platformJwks.keys, payments.publicJwk] } });
      const strict = new RequestGate({ bankCode: 'XMPL', topicPrefix: '', platformKeys: keyring, decryptionKeys: [fixture.bankKeys.decryption], seen, now: clock });
      const record = await signedLeg(fixture, legContent(), { signWith: loadRecordSigningKey(payments.privateKeyPem, 'payments:test-2') });
      await expect(strict.admit(record)).resolves.toMatchObject({ check: 'signature' });
    });

    it('refuses a record altered after signing', async () => {
      const record = await signedLeg(fixture, legContent(), { alterAfterSigning: (value) => value.replace('"60.00"', '"6000.00"') });
      await expect(gate.admit(record)).resolves.toMatchObject({ check: 'signature', reason: expect.stringMatching(/does not verify/) });
    });

    it('refuses a record moved to another key (re-keyed) after signing', async () => {
      const record = await signedLeg(fixture, legContent());
      await expect(gate.admit({ ...record, key: randomUUID() })).resolves.toMatchObject({ check: 'signature' });
    });

    it('refuses a record read from a topic that is not this bank\'s request topic', async () => {
      const record = await signedLeg(fixture, legContent());
      await expect(gate.admit({ ...record, position: { ...record.position, topic: 'partner.othr.requests.v1' } })).resolves.toMatchObject({ check: 'topic' });
    });

    it("verifies the unprefixed topic when the bank's topics carry a prefix", async () => {
      const prefixed = new KirimRequestFactory({ bankCode: 'XMPL', topicPrefix: 'test.', signingKey: fixture.kirimKey, bankEncryptionKey: await bankEncryptionKeyOf(fixture.bank.jwks), now: clock });
      const record = consumed(await prefixed.leg(legContent()));
      expect(record.position.topic).toBe('test.partner.xmpl.requests.v1');
      const prefixedGate = new RequestGate({ bankCode: 'XMPL', topicPrefix: 'test.', platformKeys: fixture.keyring, decryptionKeys: [fixture.bankKeys.decryption], seen, now: clock });
      await expect(prefixedGate.admit(record)).resolves.toMatchObject({ kind: 'accepted' });
    });

    it("reloads kirim's JWKS once when a new kirim key appears (rotation)", async () => {
      const next = await generateRecordSigningKeyPair('bank-connector:test-2');
      const files = new Map([['platform.json', fixture.platformJwks]]);
      let clockMs = 0;
      const keyring = await PlatformKeyring.load({ file: 'platform.json' }, { fetchers: fakeJwksFiles(files), now: () => clockMs, minRefreshIntervalMs: 30_000 });
      const rotating = new RequestGate({ bankCode: 'XMPL', topicPrefix: '', platformKeys: keyring, decryptionKeys: [fixture.bankKeys.decryption], seen, now: clock });
      const record = await signedLeg(fixture, legContent(), { signWith: loadRecordSigningKey(next.privateKeyPem, 'bank-connector:test-2') });

      files.set('platform.json', { keys: [...fixture.platformJwks.keys, next.publicJwk] });
      clockMs = 10_000; // within the minimum interval: no reload yet
      await expect(rotating.admit(record)).resolves.toMatchObject({ check: 'signature' });
      clockMs = 40_000;
      await expect(rotating.admit(record)).resolves.toMatchObject({ kind: 'accepted' });
    });
  });

  describe('contract', () => {
    it('refuses a type that belongs on the response topic', async () => {
      const record = await signedLeg(fixture, legContent());
      const relabelled = await resign(fixture, record, { [CE_HEADERS.TYPE]: 'partner.debit.succeeded.v1' });
      await expect(gate.admit(relabelled)).resolves.toMatchObject({ check: 'contract', reason: expect.stringMatching(/belongs on partner\.\{bank\}\.responses\.v1/) });
    });

    it('refuses a request claiming another source, even signed by bank-connector', async () => {
      const record = await resign(fixture, await signedLeg(fixture, legContent()), { [CE_HEADERS.SOURCE]: '/kirim/payments' });
      await expect(gate.admit(record)).resolves.toMatchObject({ check: 'contract', reason: expect.stringMatching(/must come from \/kirim\/bank-connector/) });
    });

    it('refuses a record not keyed by its paymentId', async () => {
      const record = await signedLeg(fixture, legContent());
      const rekeyed = await resign(fixture, { ...record, key: randomUUID() }, {});
      await expect(gate.admit(rekeyed)).resolves.toMatchObject({ check: 'contract', reason: 'record key must be the aggregate id (data.paymentId)' });
    });

    it('refuses a request for another bank on this bank\'s topic', async () => {
      const record = await signedLeg(fixture, legContent());
      const value = new TextDecoder().decode(record.value ?? new Uint8Array()).replace('"bankCode":"XMPL"', '"bankCode":"OTHR"');
      const other = await resign(fixture, { ...record, value: new TextEncoder().encode(value) }, {});
      await expect(gate.admit(other)).resolves.toMatchObject({ check: 'contract', reason: expect.stringMatching(/bankCode must be XMPL/) });
    });
  });

  describe('replay', () => {
    it('refuses the same ce_id read at another offset, naming where it was first read', async () => {
      const record = await signedLeg(fixture, legContent(), undefined, '7');
      await expect(gate.admit(record)).resolves.toMatchObject({ kind: 'accepted' });
      const replay = { ...record, position: { ...record.position, offset: '9' } };
      await expect(gate.admit(replay)).resolves.toMatchObject({ kind: 'refused', check: 'replay', reason: expect.stringMatching(/partner\.xmpl\.requests\.v1\[0\]@7/) });
    });

    it('skips a redelivery of a handled record silently, and handles again one whose outcome was never sent', async () => {
      const record = await signedLeg(fixture, legContent(), undefined, '3');
      const first = await gate.admit(record);
      expect(first.kind).toBe('accepted');
      await expect(gate.admit(record)).resolves.toMatchObject({ kind: 'accepted' });
      await seen.markHandled([record.headers[CE_HEADERS.ID] as string]);
      await expect(gate.admit(record)).resolves.toEqual({ kind: 'redelivered', ceId: record.headers[CE_HEADERS.ID] });
    });
  });

  describe('decryption', () => {
    it('refuses an account encrypted for another key, after claiming the ce_id', async () => {
      const other = await generateEncryptionKeyPair('othr-enc-1');
      const foreign = new KirimRequestFactory({ bankCode: 'XMPL', topicPrefix: '', signingKey: fixture.kirimKey, bankEncryptionKey: await bankEncryptionKeyOf({ keys: [other.publicJwk] }), now: clock });
      const record = consumed(await foreign.leg(legContent()));
      const admission = await gate.admit(record);
      expect(admission).toMatchObject({ kind: 'refused', check: 'decryption', claimedCeId: record.headers[CE_HEADERS.ID], reason: expect.stringMatching(/^account: cannot be decrypted/) });
      expect(JSON.stringify(admission)).not.toMatch(/othr-enc-1.*accountRef/);
    });

    it('refuses a decrypted account that is not {"accountRef": uuid}', async () => {
      const record = await signedLeg(fixture, legContent({ accountRef: '123456789012' }));
      await expect(gate.admit(record)).resolves.toMatchObject({ check: 'decryption', reason: 'account: the decrypted value must be {"accountRef": "<uuid>"}' });
    });

    it('refuses a lookup whose mobile is not E.164, without echoing it', async () => {
      const admission = await gate.admit(consumed(await fixture.requests.lookup(randomUUID(), '98000 00001')));
      expect(admission).toMatchObject({ check: 'decryption' });
      expect(JSON.stringify(admission)).not.toContain('98000');
    });
  });
});

/** The record with some headers changed and signed again by kirim's key: content checks, not the signature, must catch it. */
async function resign(fixture: KitFixture, record: ReturnType<typeof consumed>, headers: Record<string, string>) {
  const changed = { ...record.headers, ...headers };
  delete changed[SIGNATURE_HEADER];
  const signature = await signRecord({ topic: 'partner.xmpl.requests.v1', key: record.key ?? '', headers: changed, value: record.value ?? new Uint8Array() }, fixture.kirimKey);
  return { ...record, headers: { ...changed, [SIGNATURE_HEADER]: signature } };
}
