import { EVENT_CATALOGUE, EVENT_TYPES, eventTypesOnTopic, expectedSigner, expectedSource, topicOfEvent } from './event-types';
import { kafkaAccessDeclaration, kafkaAcls, kafkaPrincipals } from './kafka-acls';
import { parsePartnerRegistry } from './partner-registry';
import { partnerPrincipal, partnerSource } from './principals';
import {
  deadLetterTopicOf,
  isSignedTopicAddress,
  partnerRequestsTopic,
  partnerResponsesTopic,
  PARTNER_TOPICS,
  resolveTopic,
  topicCatalogueWithPartners,
  TOPICS,
} from './topics';

describe('topics', () => {
  it('resolves fixed and partner topics, and nothing else', () => {
    expect(resolveTopic('bank.requests.v1')).toEqual({ address: TOPICS.BANK_REQUESTS });
    expect(resolveTopic('partner.xmpl.responses.v1')).toEqual({ address: PARTNER_TOPICS.RESPONSES, bankCode: 'XMPL' });
    expect(resolveTopic('partner.xmpl.other.v1')).toBeUndefined();
    expect(resolveTopic('partner.XMPL.requests.v1')).toBeUndefined();
    expect(resolveTopic('bank.requests.v1.dlq')).toBeUndefined();
  });

  it('names a partner bank’s topics after its code in lower case, and refuses what is not a bank code', () => {
    expect(partnerRequestsTopic('XMPL')).toBe('partner.xmpl.requests.v1');
    expect(partnerResponsesTopic('XMPL')).toBe('partner.xmpl.responses.v1');
    expect(() => partnerRequestsTopic('xm.l')).toThrow(/not a bank code/);
  });

  it('signs exactly the topics that move money', () => {
    expect([TOPICS.BANK_REQUESTS, TOPICS.BANK_RESPONSES, PARTNER_TOPICS.REQUESTS, PARTNER_TOPICS.RESPONSES].every(isSignedTopicAddress)).toBe(true);
    expect([TOPICS.IDENTITY_EVENTS, TOPICS.PAYMENTS_EVENTS, TOPICS.NOTIFICATIONS_EVENTS].some(isSignedTopicAddress)).toBe(false);
  });

  it('lists a partner’s topic pair and both dead-letter topics in the catalogue of a deployment', () => {
    const names = topicCatalogueWithPartners(['XMPL']).map((topic) => topic.name);
    expect(names).toEqual(expect.arrayContaining(['partner.xmpl.requests.v1', 'partner.xmpl.responses.v1', 'partner.xmpl.requests.v1.dlq', 'partner.xmpl.responses.v1.dlq']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps main topics a week and dead letters a month, so an operator has time to look at what was refused', () => {
    const retentionDays = (name: string) => (topicCatalogueWithPartners(['XMPL']).find((topic) => topic.name === name)?.retentionMs ?? 0) / 86_400_000;
    expect(retentionDays(TOPICS.BANK_REQUESTS)).toBe(7);
    expect(retentionDays('partner.xmpl.responses.v1')).toBe(7);
    expect(retentionDays(deadLetterTopicOf(TOPICS.BANK_REQUESTS))).toBe(30);
    expect(retentionDays('partner.xmpl.requests.v1.dlq')).toBe(30);
  });
});

describe('the event catalogue on partner topics', () => {
  it('finds the types of a concrete partner topic', () => {
    expect(eventTypesOnTopic('partner.xmpl.requests.v1').sort()).toEqual(
      [EVENT_TYPES.PARTNER_DEBIT_REQUESTED, EVENT_TYPES.PARTNER_CREDIT_REQUESTED, EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_REQUESTED].sort(),
    );
  });

  it('expects an answer on a bank’s topic from that bank, signed by that bank', () => {
    const spec = EVENT_CATALOGUE[EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED];
    const topic = { address: PARTNER_TOPICS.RESPONSES, bankCode: 'XMPL' } as const;
    expect(expectedSource(spec, topic)).toBe(partnerSource('XMPL'));
    expect(expectedSigner(spec, topic)).toBe(partnerPrincipal('XMPL'));
  });

  it('expects requests to banks to be signed by their producer, and unsigned topics by no one', () => {
    expect(expectedSigner(EVENT_CATALOGUE[EVENT_TYPES.BANK_DEBIT_REQUESTED], { address: TOPICS.BANK_REQUESTS })).toBe('payments');
    expect(expectedSigner(EVENT_CATALOGUE[EVENT_TYPES.BANK_CREDIT_SUCCEEDED], { address: TOPICS.BANK_RESPONSES })).toBe('bank-connector');
    expect(expectedSigner(EVENT_CATALOGUE[EVENT_TYPES.PARTNER_CREDIT_REQUESTED], { address: PARTNER_TOPICS.REQUESTS, bankCode: 'XMPL' })).toBe('bank-connector');
    expect(expectedSigner(EVENT_CATALOGUE[EVENT_TYPES.PAYMENT_COMPLETED], { address: TOPICS.PAYMENTS_EVENTS })).toBeNull();
  });

  it('sends a partner request to the topic of the bank its data names', () => {
    expect(topicOfEvent(EVENT_CATALOGUE[EVENT_TYPES.PARTNER_DEBIT_REQUESTED], { bankCode: 'XMPL' })).toBe('partner.xmpl.requests.v1');
    expect(() => topicOfEvent(EVENT_CATALOGUE[EVENT_TYPES.PARTNER_DEBIT_REQUESTED], {})).toThrow(/bankCode/);
  });
});

describe('Kafka ACL declaration', () => {
  const access = (principal: string) => kafkaAccessDeclaration(['XMPL']).find((entry) => entry.principal === principal);

  it('lets payments write bank requests and read bank answers, and nothing of the banks’ side', () => {
    expect(access('payments')).toEqual({
      principal: 'payments',
      writes: ['bank.requests.v1', 'payments.events.v1', 'bank.responses.v1.dlq'],
      reads: ['bank.responses.v1'],
      groups: [{ name: 'kirim.payments', patternType: 'LITERAL' }],
    });
  });

  it('lets notifications read payments’ and identity’s events (receipts in each user’s language), and write receipts and those topics’ dead letters only', () => {
    expect(access('notifications')).toEqual({
      principal: 'notifications',
      writes: ['notifications.events.v1', 'payments.events.v1.dlq', 'identity.events.v1.dlq'],
      reads: ['payments.events.v1', 'identity.events.v1'],
      groups: [{ name: 'kirim.notifications', patternType: 'LITERAL' }],
    });
  });

  it('lets bank-connector read bank requests and each partner’s answers, and write answers and partner requests', () => {
    expect(access('bank-connector')).toMatchObject({
      writes: expect.arrayContaining(['bank.responses.v1', 'partner.xmpl.requests.v1', 'bank.requests.v1.dlq', 'partner.xmpl.responses.v1.dlq']),
      reads: ['bank.requests.v1', 'partner.xmpl.responses.v1'],
    });
    expect(access('bank-connector')?.writes).not.toContain('bank.requests.v1');
  });

  it('lets a partner bank read only its request topic, with only its own group, and write only its answers', () => {
    expect(access('partner-xmpl')).toEqual({
      principal: 'partner-xmpl',
      writes: ['partner.xmpl.responses.v1', 'partner.xmpl.requests.v1.dlq'],
      reads: ['partner.xmpl.requests.v1'],
      groups: [{ name: 'partner.xmpl', patternType: 'LITERAL' }],
    });
  });

  it('gives the observer read access to every topic and write access to none', () => {
    expect(access('observer')?.writes).toEqual([]);
    expect(access('observer')?.reads).toHaveLength(topicCatalogueWithPartners(['XMPL']).length);
  });

  it('spells the declaration as ALLOW rules without duplicates, and lists every principal that needs a user', () => {
    const acls = kafkaAcls(['XMPL']);
    expect(acls).toContainEqual({ principal: 'User:payments', resourceType: 'TOPIC', resourceName: 'bank.requests.v1', patternType: 'LITERAL', operation: 'WRITE' });
    expect(acls).not.toContainEqual(expect.objectContaining({ principal: 'User:notifications', resourceName: 'bank.requests.v1', operation: 'WRITE' }));
    expect(new Set(acls.map((acl) => JSON.stringify(acl))).size).toBe(acls.length);
    expect(kafkaPrincipals(['XMPL']).sort()).toEqual(['admin', 'bank-connector', 'identity', 'notifications', 'observer', 'partner-xmpl', 'payments']);
  });
});

describe('the partner registry', () => {
  const entry = { bankCode: 'XMPL', name: 'Example Partner Bank', jwks: { file: 'XMPL/jwks.json' } };

  it('accepts an entry and fills in the scheme’s timeouts', () => {
    const parsed = parsePartnerRegistry(JSON.stringify({ $comment: 'note', partners: [entry] }));
    expect(parsed).toMatchObject({ ok: true, registry: { partners: [{ bankCode: 'XMPL', answerTimeoutMs: 15000, lookupTimeoutMs: 2000 }] } });
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['a bad bank code', JSON.stringify({ partners: [{ ...entry, bankCode: 'xmpl' }] }), /bankCode must be four capital letters/],
    ['an answer timeout beyond the scheme’s 15 s', JSON.stringify({ partners: [{ ...entry, answerTimeoutMs: 20000 }] }), /answerTimeoutMs/],
    ['a JWKS over plain http', JSON.stringify({ partners: [{ ...entry, jwks: { url: 'http://bank.example/jwks.json' } }] }), /https/],
    ['both a file and a url', JSON.stringify({ partners: [{ ...entry, jwks: { file: 'a', url: 'https://bank.example/jwks.json' } }] }), /exactly one of "file" or "url"/],
    ['a code twice', JSON.stringify({ partners: [entry, entry] }), /appears twice/],
    ['an unknown field', JSON.stringify({ partners: [{ ...entry, secret: 'x' }] }), /secret/],
    ['a sandbox bank’s code', JSON.stringify({ partners: [{ ...entry, bankCode: 'SBXA' }] }), /built-in sandbox bank/],
  ])('refuses %s, saying why', (_what, text, reason) => {
    const parsed = parsePartnerRegistry(text, ['SBXA', 'SBXB']);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.errors.join('; ')).toMatch(reason);
  });
});
