import { randomUUID } from 'node:crypto';
import {
  accountDigest,
  CE_HEADERS,
  COMPACT_JWE_PATTERN,
  decryptForBank,
  partnerPrincipal,
  SIGNATURE_HEADER,
  TrustedSigningKeys,
  verifyRecordSignature,
} from '@kirim/contracts';
import { AnswerContractError, AnswerFactory, OutgoingRecord } from '../answers/answer-factory';
import { silentLogger } from '../logging/partner-logger';
import { RequestGate } from '../requests/request-gate';
import { InMemorySeenRecordStore } from '../requests/seen-records';
import { FakeBank } from '../testing/fake-bank';
import { consumed, KitFixture, kitFixture, legContent, signedLeg } from '../testing/kit-fixtures';
import { ProcessOutcome, PartnerRequestProcessor } from './request-processor';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const ACCOUNT = '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01';

function answerOf(outcome: ProcessOutcome): OutgoingRecord {
  if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.kind}: ${outcome.kind === 'dead-letter' ? outcome.reason : ''}`);
  return outcome.record;
}

function payloadOf(record: OutgoingRecord): Record<string, unknown> {
  return JSON.parse(record.value) as Record<string, unknown>;
}

describe('PartnerRequestProcessor', () => {
  let fixture: KitFixture;
  let bank: FakeBank;
  let processor: PartnerRequestProcessor;
  let bankSigners: TrustedSigningKeys;
  let ids: number;

  beforeAll(async () => {
    fixture = await kitFixture(() => NOW);
    bankSigners = await TrustedSigningKeys.of(partnerPrincipal('XMPL'), fixture.bank.jwks);
  });

  beforeEach(() => {
    ids = 0;
    bank = new FakeBank({ [ACCOUNT]: 10000n }, { '+919800000001': [{ accountRef: ACCOUNT, maskedAccountNumber: 'XXXXXXXX4321', holderName: 'Asha Rao' }] });
    const gate = new RequestGate({ bankCode: 'XMPL', topicPrefix: '', platformKeys: fixture.keyring, decryptionKeys: [fixture.bankKeys.decryption], seen: new InMemorySeenRecordStore(), now: () => NOW });
    const answers = new AnswerFactory({ bankCode: 'XMPL', topicPrefix: '', signingKey: fixture.bankKeys.signing, kirimEncryptionKey: () => fixture.keyring.encryptionKey(), now: () => NOW, newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` });
    processor = new PartnerRequestProcessor(gate, bank, answers, silentLogger);
  });

  it('answers a debit: signed by the bank, type by direction and outcome, keyed by paymentId, naming what it answers', async () => {
    const content = legContent({ accountRef: ACCOUNT, amount: '60' });
    const request = await signedLeg(fixture, content);
    const answer = answerOf(await processor.process({ ...request, headers: { ...request.headers, [CE_HEADERS.TRACEPARENT]: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }));

    expect(answer.topic).toBe('partner.xmpl.responses.v1');
    expect(answer.key).toBe(content.paymentId);
    expect(answer.headers).toMatchObject({
      [CE_HEADERS.TYPE]: 'partner.debit.succeeded.v1',
      [CE_HEADERS.SOURCE]: '/partners/xmpl',
      [CE_HEADERS.SPEC_VERSION]: '1.0',
      [CE_HEADERS.TIME]: NOW.toISOString(),
      [CE_HEADERS.TRACEPARENT]: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'content-type': 'application/json',
    });
    expect(payloadOf(answer)).toEqual({
      requestId: content.requestId,
      paymentId: content.paymentId,
      purpose: 'payment',
      bankCode: 'XMPL',
      amount: { value: '60.00', currency: 'INR' },
      accountDigest: accountDigest(content.requestId, ACCOUNT),
      resultCode: '00',
      rrn: expect.stringMatching(/^\d{12}$/),
    });
    expect(answer.value).not.toContain(ACCOUNT);
    const check = await verifyRecordSignature(
      { topic: 'partner.xmpl.responses.v1', key: answer.key, headers: answer.headers, value: new TextEncoder().encode(answer.value) },
      answer.headers[SIGNATURE_HEADER],
      partnerPrincipal('XMPL'),
      bankSigners,
    );
    expect(check).toEqual({ ok: true, kid: fixture.bankKeys.signing.kid });
    expect(bank.balanceOf(ACCOUNT)).toBe(4000n);
  });

  it.each([
    ['debit', 'Z9', '200.00', ACCOUNT, 'partner.debit.declined.v1'],
    ['debit', 'XH', '1.00', 'unknown', 'partner.debit.declined.v1'],
    ['credit', 'XI', '1.00', 'unknown', 'partner.credit.declined.v1'],
  ] as const)('answers a declined %s (%s) with the declined type and no rrn', async (direction, code, amount, account, type) => {
    const accountRef = account === 'unknown' ? randomUUID() : account;
    const answer = answerOf(await processor.process(await signedLeg(fixture, legContent({ direction, amount, accountRef }))));
    expect(answer.headers[CE_HEADERS.TYPE]).toBe(type);
    expect(payloadOf(answer)).toMatchObject({ resultCode: code, amount: { value: amount } });
    expect(payloadOf(answer)).not.toHaveProperty('rrn');
  });

  it("logs the answer with the request's trace id, so the bank's line is found by kirim's trace", async () => {
    const request = await signedLeg(fixture, legContent({ accountRef: ACCOUNT, amount: '5.00' }));
    const traced = await processor.process({ ...request, headers: { ...request.headers, [CE_HEADERS.TRACEPARENT]: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(traced.kind === 'answer' && traced.log).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c' });
    const untraced = await processor.process(await signedLeg(fixture, legContent({ accountRef: ACCOUNT, amount: '6.00' })));
    expect(untraced.kind === 'answer' && 'trace_id' in untraced.log).toBe(false);
  });

  it('answers a credit with partner.credit.succeeded.v1', async () => {
    const answer = answerOf(await processor.process(await signedLeg(fixture, legContent({ direction: 'credit', accountRef: ACCOUNT, amount: '1.00' }))));
    expect(answer.headers[CE_HEADERS.TYPE]).toBe('partner.credit.succeeded.v1');
    expect(bank.balanceOf(ACCOUNT)).toBe(10100n);
  });

  it('answers a repeated requestId (new ce_id) with the same answer in a new record, moving nothing', async () => {
    const content = legContent({ accountRef: ACCOUNT });
    const first = answerOf(await processor.process(await signedLeg(fixture, content, undefined, '1')));
    const again = answerOf(await processor.process(await signedLeg(fixture, content, undefined, '2')));
    expect(payloadOf(again)).toEqual(payloadOf(first));
    expect(again.headers[CE_HEADERS.ID]).not.toBe(first.headers[CE_HEADERS.ID]);
    expect(again.headers[SIGNATURE_HEADER]).not.toBe(first.headers[SIGNATURE_HEADER]);
    expect(bank.movements).toBe(1);
  });

  it('dead-letters a reused requestId with another amount, and never answers it', async () => {
    const content = legContent({ accountRef: ACCOUNT });
    await processor.process(await signedLeg(fixture, content, undefined, '1'));
    const outcome = await processor.process(await signedLeg(fixture, { ...content, amount: '61.00' }, undefined, '2'));
    expect(outcome).toMatchObject({ kind: 'dead-letter', check: 'idempotency', reason: expect.stringMatching(/already answered for other content/), ceId: expect.any(String) });
    expect(bank.movements).toBe(1);
    expect(bank.balanceOf(ACCOUNT)).toBe(4000n);
  });

  it.each([
    ['unsigned', { unsigned: true }, 'signature'],
    ['stale', { ceTime: new Date(NOW.getTime() - 10 * 60_000) }, 'freshness'],
    ['altered', { alterAfterSigning: (value: string) => value.replace('"60.00"', '"1.00"') }, 'signature'],
  ])('dead-letters an %s request without calling the bank', async (_what, tampering, check) => {
    const outcome = await processor.process(await signedLeg(fixture, legContent({ accountRef: ACCOUNT }), tampering));
    expect(outcome).toMatchObject({ kind: 'dead-letter', check });
    expect(bank.transactions).toBe(0);
  });

  it('dead-letters a replayed record (its ce_id at another offset) without calling the bank again', async () => {
    const request = await signedLeg(fixture, legContent({ accountRef: ACCOUNT }), undefined, '5');
    answerOf(await processor.process(request));
    const outcome = await processor.process({ ...request, position: { ...request.position, offset: '6' } });
    expect(outcome).toMatchObject({ kind: 'dead-letter', check: 'replay' });
    expect(bank.transactions).toBe(1);
  });

  it('answers a lookup with masked numbers and the holder name encrypted for kirim alone, keyed by lookupId', async () => {
    const lookupId = randomUUID();
    const answer = answerOf(await processor.process(consumed(await fixture.requests.lookup(lookupId, '+919800000001'))));
    expect(answer.key).toBe(lookupId);
    expect(answer.headers[CE_HEADERS.TYPE]).toBe('partner.account-lookup.answered.v1');
    const payload = payloadOf(answer) as { accounts: { encryptedHolderName: string }[] };
    expect(payload).toEqual({ lookupId, bankCode: 'XMPL', accounts: [{ accountRef: ACCOUNT, maskedAccountNumber: 'XXXXXXXX4321', encryptedHolderName: expect.stringMatching(COMPACT_JWE_PATTERN) }] });
    expect(answer.value).not.toContain('+9198');
    expect(answer.value).not.toContain('Asha');
    // kirim opens it with its private key; the bank's own key does not.
    await expect(fixture.kirimDecryption.openHolderName(payload.accounts[0]?.encryptedHolderName ?? '')).resolves.toEqual({ ok: true, holderName: 'Asha Rao' });
    await expect(decryptForBank(payload.accounts[0]?.encryptedHolderName ?? '', fixture.bankKeys.decryption.privateKey)).rejects.toThrow();
  });

  it('refuses to send an answer the contract breaks (a bug of the bank), throwing instead', async () => {
    bank.lookupAccounts = async () => [{ accountRef: ACCOUNT, maskedAccountNumber: '123456784321', holderName: 'Asha Rao' }];
    await expect(processor.process(consumed(await fixture.requests.lookup(randomUUID(), '+919800000001')))).rejects.toBeInstanceOf(AnswerContractError);
    bank.lookupAccounts = async () => [{ accountRef: ACCOUNT, maskedAccountNumber: 'XXXXXXXX4321', holderName: 'Asha\nRao' }];
    await expect(processor.process(consumed(await fixture.requests.lookup(randomUUID(), '+919800000001')))).rejects.toThrow(/holder name must be/);
    bank.applyLeg = async () => ({ outcome: 'succeeded', rrn: 'RRN' });
    await expect(processor.process(await signedLeg(fixture, legContent({ accountRef: ACCOUNT })))).rejects.toBeInstanceOf(AnswerContractError);
  });
});
