import { randomUUID } from 'node:crypto';
import {
  accountDigest,
  COMPACT_JWE_PATTERN,
  encryptHolderName,
  generateEncryptionKeyPair,
  generateRecordSigningKeyPair,
  loadRecordSigningKey,
  CE_HEADERS,
  DEAD_LETTER_HEADERS,
  deadLetterTopicOf,
  EVENT_TYPES,
  partnerPrincipal,
  partnerRequestsTopic,
  partnerResponsesTopic,
  partnerSource,
  platformEncryptionKeyOf,
  TOPICS,
} from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { decodeProtectedHeader } from 'jose';
import { Kafka, logLevel, Message } from 'kafkajs';
import { Api, Party } from './support/api';
import { kafkaBrokers } from './support/config';
import { ExamplePartner, freshPartnerParty } from './support/example-partner';
import { ceType, headerText, jsonValue, KafkaClient, keyText, ObservedRecord, TopicWatch } from './support/kafka';
import { freshParty } from './support/parties';
import { readTopicsAs } from './support/read-topics';
import { cloudEventRecord, partnerSigningKey, platformJwks, serviceSigningKey, signed } from './support/signed-records';

/**
 * Trust on the wire, tried as an attacker who can reach the broker: with another party's broker
 * credentials or none, with records that are unsigned, signed with a wrong key, replayed or late,
 * and — holding a real signing key, as a compromised or buggy party would — with answers that do
 * not match their request and request ids reused with other content. Each attempt must end in a
 * broker refusal or a dead letter that says why, and move no money anywhere.
 */

const PARTNER = 'XMPL';

interface Leg {
  readonly requestId: string;
  readonly accountRef: string;
  readonly bankCode: string;
}

describe('trust on the wire (e2e, running stack)', () => {
  const api = new Api();
  const partnerBank = new ExamplePartner();
  const kafka = new KafkaClient({ clientId: 'kirim-e2e-trust' });
  const outsiders: KafkaClient[] = [];
  let watch: TopicWatch;
  let deadLetters: TopicWatch;
  let payer: Party;
  let payee: Party;
  let partnerPayee: Party;
  let payment: { paymentId: string; txnId: string; debit: Leg; credit: Leg };
  let partnerPayment: { paymentId: string; credit: Leg };

  const WATCHED = [TOPICS.BANK_REQUESTS, TOPICS.BANK_RESPONSES, partnerRequestsTopic(PARTNER), partnerResponsesTopic(PARTNER)];
  const DEAD_LETTER_TOPICS = [TOPICS.BANK_REQUESTS, TOPICS.BANK_RESPONSES, partnerResponsesTopic(PARTNER)].map(deadLetterTopicOf);

  beforeAll(async () => {
    payer = await freshParty(api, 'trust payer', 'SBXA', '5000.00');
    payee = await freshParty(api, 'trust payee', 'SBXB', '0.00');
    partnerPayee = await freshPartnerParty(api, partnerBank, 'trust partner payee', '0.00');
  });

  afterAll(async () => {
    await Promise.all([kafka.disconnect(), ...outsiders.map((client) => client.disconnect())]);
  });

  // The tests share one stack state and run in order: the first moves the money the others attack.
  it('moves money to a sandbox payee and a partner payee, watching the legs kirim asks for', async () => {
    // Watching starts inside a test: jest 30 refuses a `require` between hooks and tests, and
    // kafkajs loads modules lazily from the consumer's background fetch loop.
    watch = await kafka.watch(WATCHED);
    deadLetters = await kafka.watch(DEAD_LETTER_TOPICS);
    payment = await paidAndObserved(payee, 'SBXA', 'SBXB');
    const viaPartner = await paidAndObserved(partnerPayee, 'SBXA', PARTNER);
    partnerPayment = { paymentId: viaPartner.paymentId, credit: viaPartner.credit };
  });

  it('the broker refuses records on bank.requests.v1 and partner topics from other principals, strangers and wrong passwords', () => brokerRefusesOtherPrincipalsAndStrangers());
  it('dead-letters well-formed unsigned records, on kirim topics and partner topics alike', () => unsignedRecordsAreDeadLettered());
  it('dead-letters records signed with a wrong key, an unknown key, or another service’s key', () => wronglySignedRecordsAreDeadLettered());
  it('dead-letters an old signed record replayed, and a validly signed record that is too old', () => replayedAndLateRecordsAreDeadLettered());
  it('refuses bank answers whose amount or account differs from the request, from bank-connector and from the partner', () => answersThatDoNotMatchTheirRequestAreRefused());
  it('refuses a reused request id with another amount, at the sandbox ledger and before a partner bank', () => reusedRequestIdsWithOtherContentAreRefused());
  it("refuses a partner's lookup answer whose holder name kirim cannot open, or that names the holder in clear; the bank's own answer names no one", () => lookupAnswersKirimCannotOpenAreRefused());
  it("lets the partner's credentials read its own request topic and nothing else", () => partnerCredentialsReadTheirOwnRequestsAndNothingElse());

  /** Pays 100.00 from the sandbox payer to `to`, waits for completion, and returns the legs kirim asked for. */
  async function paidAndObserved(to: Party, payerBank: string, payeeBank: string): Promise<{ paymentId: string; txnId: string; debit: Leg; credit: Leg }> {
    const accepted = await api.payAccepted(payer, { payeePhone: to.phone, amount: '100.00' });
    expect((await api.waitUntilFinal(payer, accepted.paymentId)).status).toBe('completed');
    const requestOf = (type: string): Leg => {
      const record = watch.records.find((candidate) => keyText(candidate) === accepted.paymentId && ceType(candidate) === type && candidate.topic === TOPICS.BANK_REQUESTS);
      if (!record) throw new Error(`no ${type} seen for payment ${accepted.paymentId}`);
      const data = jsonValue<{ requestId: string; accountRef: string; bankCode: string }>(record);
      return { requestId: String(data?.requestId), accountRef: String(data?.accountRef), bankCode: String(data?.bankCode) };
    };
    let debit: Leg | undefined;
    let credit: Leg | undefined;
    await eventually(() => {
      debit = requestOf(EVENT_TYPES.BANK_DEBIT_REQUESTED);
      credit = requestOf(EVENT_TYPES.BANK_CREDIT_REQUESTED);
    });
    expect(debit?.bankCode).toBe(payerBank);
    expect(credit?.bankCode).toBe(payeeBank);
    return { paymentId: accepted.paymentId, txnId: accepted.txnId, debit: debit as Leg, credit: credit as Leg };
  }

  /** Every balance an attack could touch, and the sandbox ledger's totals. */
  async function money(): Promise<Record<string, string>> {
    const summary = await api.ledgerSummary();
    return {
      payer: String(await api.balanceOf(payer)),
      payee: String(await api.balanceOf(payee)),
      partnerPayee: String(await partnerBank.balanceOf(partnerPayee)),
      sandboxTotal: summary.totalMinorUnitsByCurrency.INR ?? '',
      sandboxCustomers: summary.customerTotalMinorUnitsByCurrency.INR ?? '',
    };
  }

  /** Produces `messages`, then waits until each is on the dead-letter topic with a reason matching `reason`; money must not move. */
  async function expectDeadLettered(topic: string, messages: Message[], reason: RegExp, options: { as?: string } = {}): Promise<void> {
    const before = await money();
    const producer = options.as ? outsider(options.as) : kafka;
    await producer.produce(topic, messages);
    const ids = messages.map((message) => String(message.headers?.[CE_HEADERS.ID]));
    let letters: ObservedRecord[] = [];
    await eventually(
      () => {
        letters = deadLetters.records.filter((letter) => ids.includes(headerText(letter, CE_HEADERS.ID) ?? '') && letter.topic === deadLetterTopicOf(topic));
        expect(letters).toHaveLength(messages.length);
      },
      { timeoutMs: 30_000 },
    );
    for (const letter of letters) expect({ id: headerText(letter, CE_HEADERS.ID), reason: headerText(letter, DEAD_LETTER_HEADERS.REASON) }).toEqual({ id: expect.any(String), reason: expect.stringMatching(reason) });
    // The answers and legs that would follow had the record been acted on have had time to arrive.
    await settle();
    expect(await money()).toEqual(before);
  }

  /** A marker payment through the whole pipeline: whatever an attack could have provoked has been consumed by then. */
  async function settle(): Promise<void> {
    const marker = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '0.01' });
    expect((await api.waitUntilFinal(payer, marker.paymentId)).status).toBe('completed');
    await api.payAccepted(payee, { payeePhone: payer.phone, amount: '0.01' }).then((back) => api.waitUntilFinal(payee, back.paymentId));
  }

  function outsider(principal: string): KafkaClient {
    const client = new KafkaClient({ principal, clientId: `kirim-e2e-trust-${principal}` });
    outsiders.push(client);
    return client;
  }

  /** A debit of `amount` from the sandbox payer's account, as payments would ask it. */
  function debitRequest(amount: string, requestId: string = randomUUID(), paymentId: string = randomUUID()): Message {
    return cloudEventRecord({
      type: EVENT_TYPES.BANK_DEBIT_REQUESTED,
      key: paymentId,
      data: { requestId, paymentId, txnId: `KRM${paymentId.replace(/-/g, '').toUpperCase()}`, purpose: 'payment', bankCode: 'SBXA', accountRef: payment.debit.accountRef, amount: { value: amount, currency: 'INR' } },
    });
  }

  async function brokerRefusesOtherPrincipalsAndStrangers(): Promise<void> {
    const record = await signed(TOPICS.BANK_REQUESTS, debitRequest('1000.00'), serviceSigningKey('payments'));
    for (const principal of ['notifications', 'identity', 'bank-connector', partnerPrincipal(PARTNER), 'observer']) {
      expect({ principal, refusal: await refusalOf(() => outsider(principal).produce(TOPICS.BANK_REQUESTS, [record])) }).toEqual({
        principal,
        refusal: expect.arrayContaining(['TOPIC_AUTHORIZATION_FAILED']),
      });
    }
    // A partner may not write its own request topic (kirim does), nor another's, nor kirim's answers.
    const partnerRequest = cloudEventRecord({ type: EVENT_TYPES.PARTNER_DEBIT_REQUESTED, key: randomUUID(), data: {} });
    for (const [principal, topic] of [
      [partnerPrincipal(PARTNER), partnerRequestsTopic(PARTNER)],
      ['payments', partnerRequestsTopic(PARTNER)],
      [partnerPrincipal(PARTNER), TOPICS.BANK_RESPONSES],
    ] as const) {
      expect({ principal, topic, refusal: await refusalOf(() => outsider(principal).produce(topic, [partnerRequest])) }).toEqual({
        principal,
        topic,
        refusal: expect.arrayContaining(['TOPIC_AUTHORIZATION_FAILED']),
      });
    }
    // No credentials, or a wrong password: the broker does not even talk.
    const anonymous = new Kafka({ clientId: 'kirim-e2e-anonymous', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3000 });
    const stranger = new Kafka({
      clientId: 'kirim-e2e-stranger',
      brokers: kafkaBrokers(),
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      sasl: { mechanism: 'scram-sha-512', username: 'payments', password: 'not-the-password' },
    });
    for (const client of [anonymous, stranger]) {
      const producer = client.producer();
      await expect(producer.connect().then(() => producer.send({ topic: TOPICS.BANK_REQUESTS, messages: [record] }))).rejects.toThrow();
      await producer.disconnect().catch(() => undefined);
    }
  }

  async function unsignedRecordsAreDeadLettered(): Promise<void> {
    await expectDeadLettered(TOPICS.BANK_REQUESTS, [debitRequest('1000.00')], /^unsigned: /);
    // A partner's answer without its signature, from the partner's own credentials.
    const answer = cloudEventRecord({
      type: EVENT_TYPES.PARTNER_CREDIT_SUCCEEDED,
      source: partnerSource(PARTNER),
      key: partnerPayment.paymentId,
      data: partnerAnswer(partnerPayment.credit, partnerPayment.paymentId, '100.00'),
    });
    await expectDeadLettered(partnerResponsesTopic(PARTNER), [answer], /^unsigned: /, { as: partnerPrincipal(PARTNER) });
  }

  async function wronglySignedRecordsAreDeadLettered(): Promise<void> {
    const realKid = serviceSigningKey('payments').kid;
    const impostor = await generateRecordSigningKeyPair(realKid);
    const stranger = await generateRecordSigningKeyPair('payments:not-a-published-key');
    await expectDeadLettered(
      TOPICS.BANK_REQUESTS,
      [await signed(TOPICS.BANK_REQUESTS, debitRequest('1000.00'), loadRecordSigningKey(impostor.privateKeyPem, realKid))],
      /does not verify/,
    );
    await expectDeadLettered(
      TOPICS.BANK_REQUESTS,
      [await signed(TOPICS.BANK_REQUESTS, debitRequest('1000.00'), loadRecordSigningKey(stranger.privateKeyPem, 'payments:not-a-published-key'))],
      /not a trusted key of payments/,
    );
    // bank-connector's real key signs answers, never requests: a leaked key of one service moves no money in another's name.
    await expectDeadLettered(TOPICS.BANK_REQUESTS, [await signed(TOPICS.BANK_REQUESTS, debitRequest('1000.00'), serviceSigningKey('bank-connector'))], /not a trusted key of payments/);
  }

  async function replayedAndLateRecordsAreDeadLettered(): Promise<void> {
    // The very record that debited the payer, produced again byte for byte.
    const original = watch.records.find((record) => record.topic === TOPICS.BANK_REQUESTS && keyText(record) === payment.paymentId && ceType(record) === EVENT_TYPES.BANK_DEBIT_REQUESTED) as ObservedRecord;
    await expectDeadLettered(TOPICS.BANK_REQUESTS, [{ key: original.key, value: original.value, headers: original.headers }], /^replayed: ce_id .* was already applied from bank\.requests\.v1\//);
    // A validly signed debit written ten minutes ago: too old to act on.
    const late = cloudEventRecord({ ...recordInputOf(debitRequest('1000.00')), time: new Date(Date.now() - 10 * 60 * 1000) });
    await expectDeadLettered(TOPICS.BANK_REQUESTS, [await signed(TOPICS.BANK_REQUESTS, late, serviceSigningKey('payments'))], /^late: ce_time is \d+ s old/);
  }

  async function answersThatDoNotMatchTheirRequestAreRefused(): Promise<void> {
    const bankConnector = serviceSigningKey('bank-connector');
    const answer = (overrides: object): Message =>
      cloudEventRecord({
        type: EVENT_TYPES.BANK_CREDIT_SUCCEEDED,
        key: payment.paymentId,
        data: {
          requestId: payment.credit.requestId,
          paymentId: payment.paymentId,
          purpose: 'payment',
          bankCode: payment.credit.bankCode,
          accountRef: payment.credit.accountRef,
          amount: { value: '100.00', currency: 'INR' },
          resultCode: '00',
          rrn: '999999999999',
          ...overrides,
        },
      });
    // Signed by bank-connector's real key: only what the answer says gives it away.
    await expectDeadLettered(TOPICS.BANK_RESPONSES, [await signed(TOPICS.BANK_RESPONSES, answer({ amount: { value: '50000.00', currency: 'INR' } }), bankConnector)], /does not match it: amount 50000\.00 INR/);
    await expectDeadLettered(TOPICS.BANK_RESPONSES, [await signed(TOPICS.BANK_RESPONSES, answer({ accountRef: payment.debit.accountRef, bankCode: 'SBXA' }), bankConnector)], /does not match it: .*account/);
    expect((await api.getPayment(payer, payment.paymentId)).status).toBe('completed');

    // A partner bank's answer naming another amount, or another account, than kirim asked of it.
    const partnerKey = partnerSigningKey(PARTNER);
    for (const [change, reason] of [
      [{ amount: { value: '50000.00', currency: 'INR' } }, /does not answer the leg asked: amount 50000\.00 INR/],
      [{ accountDigest: accountDigest(partnerPayment.credit.requestId, payment.credit.accountRef) }, /does not answer the leg asked: account/],
    ] as const) {
      const record = cloudEventRecord({
        type: EVENT_TYPES.PARTNER_CREDIT_SUCCEEDED,
        source: partnerSource(PARTNER),
        key: partnerPayment.paymentId,
        data: { ...partnerAnswer(partnerPayment.credit, partnerPayment.paymentId, '100.00'), ...change },
      });
      await expectDeadLettered(partnerResponsesTopic(PARTNER), [await signed(partnerResponsesTopic(PARTNER), record, partnerKey)], reason, { as: partnerPrincipal(PARTNER) });
    }
  }

  async function lookupAnswersKirimCannotOpenAreRefused(): Promise<void> {
    // A new partner customer: kirim asks the bank for the accounts of the number, and the bank answers.
    const customer = await freshPartnerParty(api, partnerBank, 'trust lookup', '0.00');
    let lookupId = '';
    let answered: ObservedRecord | undefined;
    await eventually(() => {
      const asked = watch.records.filter((record) => record.topic === partnerRequestsTopic(PARTNER) && ceType(record) === EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_REQUESTED);
      answered = watch.records.find(
        (record) => record.topic === partnerResponsesTopic(PARTNER) && ceType(record) === EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_ANSWERED && asked.some((request) => keyText(request) === keyText(record)) && (record.value?.toString() ?? '').includes(customer.accountRef),
      );
      expect(answered).toBeDefined();
      lookupId = keyText(answered as ObservedRecord) ?? '';
    });
    // The bank's real answer: the holder name only as a JWE for kirim's encryption key.
    const account = (jsonValue<{ accounts: Record<string, string>[] }>(answered as ObservedRecord)?.accounts ?? []).find((entry) => entry['accountRef'] === customer.accountRef);
    expect(account).toEqual({ accountRef: customer.accountRef, maskedAccountNumber: customer.maskedAccountNumber, encryptedHolderName: expect.stringMatching(COMPACT_JWE_PATTERN) });
    expect(answered?.value?.toString()).not.toContain(customer.displayName);
    expect(decodeProtectedHeader(account?.['encryptedHolderName'] ?? '').kid).toBe((await platformEncryptionKeyOf(platformJwks())).kid);

    // The same lookup answered again, signed with the bank's real key: the name encrypted for a key
    // kirim does not hold, then sent in clear. Both are dead-lettered whole, with the reason.
    const partnerKey = partnerSigningKey(PARTNER);
    const stranger = await generateEncryptionKeyPair('bank-connector:enc-stranger');
    const lookupAnswer = (summary: object): Message =>
      cloudEventRecord({ type: EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_ANSWERED, source: partnerSource(PARTNER), key: lookupId, data: { lookupId, bankCode: PARTNER, accounts: [{ accountRef: customer.accountRef, maskedAccountNumber: customer.maskedAccountNumber, ...summary }] } });
    const forStranger = await encryptHolderName('Mallory Impostor', await platformEncryptionKeyOf({ keys: [stranger.publicJwk] }));
    await expectDeadLettered(partnerResponsesTopic(PARTNER), [await signed(partnerResponsesTopic(PARTNER), lookupAnswer({ encryptedHolderName: forStranger }), partnerKey)], /encrypted for key "bank-connector:enc-stranger", which is not an encryption key kirim holds/, { as: partnerPrincipal(PARTNER) });
    await expectDeadLettered(partnerResponsesTopic(PARTNER), [await signed(partnerResponsesTopic(PARTNER), lookupAnswer({ holderName: 'Mallory Impostor' }), partnerKey)], /holderName should not exist|encryptedHolderName/, { as: partnerPrincipal(PARTNER) });
  }

  async function reusedRequestIdsWithOtherContentAreRefused(): Promise<void> {
    const payments = serviceSigningKey('payments');
    // The payer's completed debit, asked again under its request id for 4,000.00: the ledger refuses it.
    const reused = debitRequest('4000.00', payment.debit.requestId, payment.paymentId);
    await expectDeadLettered(TOPICS.BANK_REQUESTS, [await signed(TOPICS.BANK_REQUESTS, reused, payments)], /already used for another leg: amount differs/);
    // The partner payee's completed credit, asked again for 4,000.00: bank-connector refuses before the bank hears of it.
    const reusedAtPartner = cloudEventRecord({
      type: EVENT_TYPES.BANK_CREDIT_REQUESTED,
      key: partnerPayment.paymentId,
      data: {
        requestId: partnerPayment.credit.requestId,
        paymentId: partnerPayment.paymentId,
        txnId: `KRM${partnerPayment.paymentId.replace(/-/g, '').toUpperCase()}`,
        purpose: 'payment',
        bankCode: PARTNER,
        accountRef: partnerPayment.credit.accountRef,
        amount: { value: '4000.00', currency: 'INR' },
      },
    });
    await expectDeadLettered(TOPICS.BANK_REQUESTS, [await signed(TOPICS.BANK_REQUESTS, reusedAtPartner, payments)], /already used for another leg to XMPL: amount differs/);
  }

  async function partnerCredentialsReadTheirOwnRequestsAndNothingElse(): Promise<void> {
    const forbidden = [
      TOPICS.BANK_REQUESTS,
      TOPICS.BANK_RESPONSES,
      TOPICS.PAYMENTS_EVENTS,
      TOPICS.IDENTITY_EVENTS,
      TOPICS.NOTIFICATIONS_EVENTS,
      // Its answers and its dead letters it may write, not read back.
      partnerResponsesTopic(PARTNER),
      deadLetterTopicOf(partnerRequestsTopic(PARTNER)),
      deadLetterTopicOf(TOPICS.BANK_REQUESTS),
    ];
    const results = await readTopicsAs(partnerPrincipal(PARTNER), [partnerRequestsTopic(PARTNER), ...forbidden]);
    // kirim's requests to it are there to read (this test's own payment sent one).
    expect(results[partnerRequestsTopic(PARTNER)]).toEqual({ outcome: 'read', detail: expect.stringMatching(/^\d+$/) });
    for (const topic of forbidden) {
      expect({ topic, ...results[topic] }).toEqual({ topic, outcome: 'denied', detail: expect.stringMatching(/^TopicAuthorizationException/) });
    }
  }
});

/** The broker's error types in the chain of what `action` threw (kafkajs wraps them), or [] if it did not throw. */
async function refusalOf(action: () => Promise<unknown>): Promise<string[]> {
  try {
    await action();
    return [];
  } catch (error) {
    const types: string[] = [];
    for (let current = error as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined; current; current = (current.cause ?? current.originalError) as typeof current) {
      if (typeof current.type === 'string') types.push(current.type);
    }
    return types.length > 0 ? types : [String(error)];
  }
}

function partnerAnswer(leg: Leg, paymentId: string, amount: string): object {
  return {
    requestId: leg.requestId,
    paymentId,
    purpose: 'payment',
    bankCode: PARTNER,
    amount: { value: amount, currency: 'INR' },
    accountDigest: accountDigest(leg.requestId, leg.accountRef),
    resultCode: '00',
    rrn: '999999999998',
  };
}

function recordInputOf(message: Message): { type: typeof EVENT_TYPES.BANK_DEBIT_REQUESTED; key: string; data: object } {
  return { type: EVENT_TYPES.BANK_DEBIT_REQUESTED, key: String(message.key), data: JSON.parse(String(message.value)) as object };
}
