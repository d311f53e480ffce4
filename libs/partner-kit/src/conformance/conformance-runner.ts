import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeProtectedHeader } from 'jose';
import { Kafka, Producer } from 'kafkajs';
import {
  accountDigest,
  bankEncryptionKeyOf,
  BANK_CODE_PATTERN,
  CE_CONTENT_TYPE,
  CE_HEADERS,
  CE_SPEC_VERSION,
  E164_PATTERN,
  EVENT_CATALOGUE,
  EVENT_TYPES,
  isEventType,
  loadRecordSigningKey,
  Money,
  PARTNER_TOPICS,
  partnerPrincipal,
  partnerRequestsTopic,
  partnerResponsesTopic,
  partnerSource,
  PlatformDecryptionKeys,
  principalOfPlatformKeyId,
  RecordSigningKey,
  RESULT_CODES,
  SERVICE_PRINCIPALS,
  SIGNATURE_HEADER,
  TrustedSigningKeys,
  UPI_PIN_PATTERN,
  validatePayload,
  verifyRecordSignature,
} from '@kirim/contracts';
import type { OutgoingRecord } from '../answers/answer-factory';
import { PartnerKafkaConnection, toKafkaConfig } from '../kafka/kafka-connection';
import { JwksLocation, loadJwks } from '../keys/jwks-location';
import { PartnerLogger, silentLogger } from '../logging/partner-logger';
import { AnswerInbox, ReceivedAnswer } from './answer-inbox';
import { CaseResult, CONFORMANCE_CASES, ConformanceCaseId, ConformanceReport } from './conformance-cases';
import { conformanceTxnId, KirimRequestFactory, LegRequestContent } from './kirim-requests';

export interface ConformanceOptions {
  readonly kafka: PartnerKafkaConnection;
  readonly topicPrefix?: string;
  readonly bankCode: string;
  /** The key kirim's side signs with, kid `bank-connector:<label>`; the bank must trust its public half. */
  readonly kirimSigningKey: RecordSigningKey;
  /**
   * kirim's side of the holder-name encryption: the private half of the `use: "enc"` key (kid
   * `bank-connector:<label>`) in the platform JWKS the bank reads. The lookup case opens the bank's
   * `encryptedHolderName` with it.
   */
  readonly kirimDecryptionKeys: PlatformDecryptionKeys;
  /** The bank's public JWKS: its answers must verify with these keys, and requests are encrypted for its encryption key. */
  readonly bankJwks: JwksLocation;
  /** A mobile (E.164) whose single account at the bank holds exactly 0.00 when the run starts (and again when it ends). */
  readonly testMobile: string;
  /**
   * The UPI PIN set for that account, with no wrong tries counted when the run starts. The run ends
   * with the PIN locked (the Z6 case): reset it and set it again before the next run.
   */
  readonly testPin: string;
  /** How long a refused request must stay unanswered (default 5 s). */
  readonly refusalWindowMs?: number;
  /** How long an answer may take (default 15 s, UPI's pay timeout). */
  readonly answerTimeoutMs?: number;
  /** The bank's freshness window (default 5 min): the stale request is older than this by a minute. */
  readonly bankMaxAgeMs?: number;
  /** Prefix of the throw-away consumer group on the response topic (default `kirim-conformance.`). */
  readonly groupPrefix?: string;
  readonly logger?: PartnerLogger;
  /** Called as each case is decided (for progress output). */
  readonly onCase?: (result: CaseResult) => void;
}

/** The run could not start (bad options, unreachable broker): no case was decided. */
export class ConformanceSetupError extends Error {}

const CREDIT = '100.00';
const FIRST_DEBIT = '60.00';
const REST_DEBIT = '40.00';
const SMALLEST = '0.01';
/** How old the stale PIN block is: twice the 5 minutes a bank takes one for. */
const STALE_PIN_SECONDS = 600;

/** A PIN that is not `pin`: every digit moved by one. */
export function wrongPinFor(pin: string): string {
  return pin.replace(/\d/g, (digit) => String((Number(digit) + 1) % 10));
}

export function conformanceOptionProblems(options: ConformanceOptions): string[] {
  const problems: string[] = [];
  if (!BANK_CODE_PATTERN.test(options.bankCode)) problems.push('bank code must be four capital letters');
  if (!E164_PATTERN.test(options.testMobile)) problems.push('test mobile must be an E.164 number, e.g. +919800000001');
  if (!UPI_PIN_PATTERN.test(options.testPin)) problems.push('test PIN must be 4 or 6 digits (the UPI PIN set for the test account)');
  if (principalOfPlatformKeyId(options.kirimSigningKey.kid) !== SERVICE_PRINCIPALS.BANK_CONNECTOR) problems.push(`kirim's signing key id must be ${SERVICE_PRINCIPALS.BANK_CONNECTOR}:<label> (the principal that signs partner requests)`);
  if (options.kirimDecryptionKeys.kids().length === 0) problems.push(`kirim's encryption key is needed (kid ${SERVICE_PRINCIPALS.BANK_CONNECTOR}:<label>): the lookup case opens the holder name with it`);
  const positive = (value: number | undefined, name: string, max: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value <= 0 || value > max)) problems.push(`${name} must be a whole number of milliseconds between 1 and ${max}`);
  };
  positive(options.refusalWindowMs, 'refusal window', 120_000);
  positive(options.answerTimeoutMs, 'answer timeout', 120_000);
  positive(options.bankMaxAgeMs, 'bank freshness window', 24 * 3_600_000);
  if (options.topicPrefix !== undefined && !/^[a-z0-9._-]*$/.test(options.topicPrefix)) problems.push('topic prefix may hold only lower-case letters, digits, ".", "_" and "-"');
  if (options.groupPrefix !== undefined && !/^[A-Za-z0-9._-]+$/.test(options.groupPrefix)) problems.push('group prefix may hold only letters, digits, ".", "_" and "-"');
  return problems;
}

function field(payload: unknown, name: string): unknown {
  return payload && typeof payload === 'object' ? (payload as Record<string, unknown>)[name] : undefined;
}

function sameAmount(a: unknown, b: string): boolean {
  const value = field(a, 'value');
  const currency = field(a, 'currency');
  if (typeof value !== 'string' || typeof currency !== 'string') return false;
  const left = Money.parse({ value, currency });
  const right = Money.parse({ value: b, currency: 'INR' });
  return !Money.isError(left) && !Money.isError(right) && left.currency === right.currency && left.minorUnits === right.minorUnits;
}

/**
 * Acts as kirim against a bank's implementation: sends signed requests on its request topic and
 * checks the answers on its response topic, case by case (see CONFORMANCE_CASES). Refusal cases
 * run together, in one window. The account of the test mobile ends at 0.00, as it started, and
 * with its UPI PIN locked by the tries-exceeded case (the bank resets it in its own channels).
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const problems = conformanceOptionProblems(options);
  if (problems.length > 0) throw new ConformanceSetupError(problems.join('; '));
  const logger = options.logger ?? silentLogger;
  let bankSigners: TrustedSigningKeys;
  let driver: ConformanceDriver;
  try {
    const bankJwks = await loadJwks(options.bankJwks);
    bankSigners = await TrustedSigningKeys.of(partnerPrincipal(options.bankCode), bankJwks);
    if (bankSigners.keyIdsOf(partnerPrincipal(options.bankCode)).length === 0) throw new Error('the bank\'s JWKS has no signing key ("use": "sig")');
    const encryptionKey = await bankEncryptionKeyOf(bankJwks);
    driver = new ConformanceDriver(options, bankSigners, new KirimRequestFactory({ bankCode: options.bankCode, topicPrefix: options.topicPrefix ?? '', signingKey: options.kirimSigningKey, bankEncryptionKey: encryptionKey }));
  } catch (error) {
    throw new ConformanceSetupError(error instanceof Error ? error.message : String(error));
  }
  const kafka = new Kafka(toKafkaConfig(options.kafka, logger, `kirim-conformance-${options.bankCode.toLowerCase()}`));
  const started = performance.now();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let inbox: AnswerInbox | undefined;
  try {
    await producer.connect();
    const groupId = `${options.groupPrefix ?? 'kirim-conformance.'}${options.bankCode.toLowerCase()}.${randomBytes(4).toString('hex')}`;
    inbox = await AnswerInbox.open(kafka, (options.topicPrefix ?? '') + partnerResponsesTopic(options.bankCode), groupId);
  } catch (error) {
    await inbox?.close();
    await producer.disconnect().catch(() => undefined);
    throw new ConformanceSetupError(`cannot reach the bank's topics: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const cases = await driver.run(producer, inbox);
    const failed = cases.filter((result) => !result.passed).map((result) => result.id);
    return {
      bankCode: options.bankCode,
      requestTopic: (options.topicPrefix ?? '') + partnerRequestsTopic(options.bankCode),
      responseTopic: (options.topicPrefix ?? '') + partnerResponsesTopic(options.bankCode),
      cases,
      passed: failed.length === 0,
      failed,
      durationMs: performance.now() - started,
    };
  } finally {
    await inbox.close();
    await producer.disconnect().catch(() => undefined);
  }
}

type Expected = { readonly outcome: 'succeeded' } | { readonly outcome: 'declined'; readonly resultCode: string };

interface LegCheck {
  readonly passed: boolean;
  readonly detail: string;
  readonly answerMs?: number;
  readonly answer?: ReceivedAnswer;
}

class ConformanceDriver {
  private readonly results = new Map<ConformanceCaseId, CaseResult>();
  private readonly answerTimeoutMs: number;
  private readonly responseTopic: string;
  private producer!: Producer;
  private inbox!: AnswerInbox;

  constructor(
    private readonly options: ConformanceOptions,
    private readonly bankSigners: TrustedSigningKeys,
    private readonly requests: KirimRequestFactory,
  ) {
    this.answerTimeoutMs = options.answerTimeoutMs ?? 15_000;
    this.responseTopic = partnerResponsesTopic(options.bankCode);
  }

  async run(producer: Producer, inbox: AnswerInbox): Promise<CaseResult[]> {
    this.producer = producer;
    this.inbox = inbox;
    const accountRef = await this.lookupCase();
    const noAccount = 'not run: the lookup gave no test account';
    const leg = (direction: 'debit' | 'credit', amount: string, account: string, requestId: string = randomUUID()): LegRequestContent => ({
      direction,
      requestId,
      paymentId: randomUUID(),
      txnId: conformanceTxnId(),
      purpose: 'payment',
      amount,
      accountRef: account,
    });

    // Every debit carries the payer's PIN block, as kirim forwards it from the device; `pin` makes one
    // for the debit's own amount unless told otherwise.
    const pin = this.options.testPin;
    const paid = async (content: LegRequestContent, typed: string = pin, options: { amount?: string; iat?: number } = {}): Promise<LegRequestContent> => ({
      ...content,
      encryptedPin: await this.requests.pinBlock({ purpose: 'pay', pin: typed, amount: { value: options.amount ?? content.amount, currency: 'INR' }, iat: options.iat ?? nowSeconds() }),
    });

    let firstDebit: LegRequestContent | undefined;
    let firstDebitAnswer: ReceivedAnswer | undefined;
    if (accountRef) {
      await this.legCase('credit', leg('credit', CREDIT, accountRef), { outcome: 'succeeded' });
      firstDebit = await paid(leg('debit', FIRST_DEBIT, accountRef));
      firstDebitAnswer = (await this.legCase('debit', firstDebit, { outcome: 'succeeded' })).answer;
      await this.repeatCase(firstDebit, firstDebitAnswer);
      await this.legCase('debit-rest', await paid(leg('debit', REST_DEBIT, accountRef)), { outcome: 'succeeded' });
      // The right PIN on an empty account: Z9, and the bank's count of wrong tries starts again.
      await this.legCase('debit-insufficient', await paid(leg('debit', SMALLEST, accountRef)), { outcome: 'declined', resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });
      // The account is empty now: a bank that looked at the balance before the PIN would answer Z9 here.
      await this.legCase('debit-no-pin', leg('debit', SMALLEST, accountRef), { outcome: 'declined', resultCode: RESULT_CODES.DEBIT_FAILED });
      await this.legCase('debit-pin-other-amount', await paid(leg('debit', SMALLEST, accountRef), pin, { amount: '1.00' }), { outcome: 'declined', resultCode: RESULT_CODES.PIN_AMOUNT_MISMATCH });
      if (firstDebit.encryptedPin !== undefined && firstDebitAnswer) {
        await this.legCase('debit-pin-replayed', { ...leg('debit', FIRST_DEBIT, accountRef), encryptedPin: firstDebit.encryptedPin }, { outcome: 'declined', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
      } else {
        this.decide('debit-pin-replayed', false, 'not run: the first debit got no answer');
      }
      await this.legCase('debit-pin-stale', await paid(leg('debit', SMALLEST, accountRef), pin, { iat: nowSeconds() - STALE_PIN_SECONDS }), { outcome: 'declined', resultCode: RESULT_CODES.PIN_BLOCK_INVALID });
      await this.legCase('debit-wrong-pin', await paid(leg('debit', SMALLEST, accountRef), wrongPinFor(pin)), { outcome: 'declined', resultCode: RESULT_CODES.WRONG_PIN });
      await this.triesExceededCase(accountRef, leg, paid);
    } else {
      for (const id of ['credit', 'debit', 'debit-repeat', 'debit-rest', 'debit-insufficient', 'debit-no-pin', 'debit-pin-other-amount', 'debit-pin-replayed', 'debit-pin-stale', 'debit-wrong-pin', 'debit-pin-tries-exceeded'] as const) {
        this.decide(id, false, noAccount);
      }
    }
    await this.legCase('debit-unknown-account', await paid(leg('debit', SMALLEST, randomUUID())), { outcome: 'declined', resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING });
    await this.legCase('credit-unknown-account', leg('credit', SMALLEST, randomUUID()), { outcome: 'declined', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING });

    await this.refusalCases(accountRef ?? randomUUID(), firstDebitAnswer ? firstDebit : undefined, leg);
    return CONFORMANCE_CASES.map(({ id, title }) => this.results.get(id) ?? { id, title, passed: false, detail: 'not run' });
  }

  private decide(id: ConformanceCaseId, passed: boolean, detail: string, answerMs?: number): void {
    const title = CONFORMANCE_CASES.find((entry) => entry.id === id)?.title ?? id;
    const result: CaseResult = { id, title, passed, detail, ...(answerMs !== undefined ? { answerMs } : {}) };
    this.results.set(id, result);
    this.options.onCase?.(result);
  }

  private async send(record: OutgoingRecord): Promise<number> {
    const sentAt = performance.now();
    await this.producer.send({ topic: record.topic, acks: -1, messages: [{ key: record.key, value: record.value, headers: { ...record.headers } }] });
    return sentAt;
  }

  /** Problems with an answer as a record: signed by the bank, its source, a response type, a valid payload keyed by its aggregate id. */
  private async recordProblems(answer: ReceivedAnswer): Promise<{ problems: string[]; type?: string }> {
    const problems: string[] = [];
    const headers = answer.headers;
    const signable = { topic: this.responseTopic, key: answer.key ?? '', headers, value: answer.value ?? new Uint8Array() };
    const signature = await verifyRecordSignature(signable, headers[SIGNATURE_HEADER], partnerPrincipal(this.options.bankCode), this.bankSigners);
    if (!signature.ok) problems.push(`not signed by a key of the bank's JWKS (${signature.reason})`);
    if (headers[CE_HEADERS.SPEC_VERSION] !== CE_SPEC_VERSION) problems.push(`${CE_HEADERS.SPEC_VERSION} is not ${CE_SPEC_VERSION}`);
    if (!(headers[CE_HEADERS.CONTENT_TYPE] ?? '').startsWith(CE_CONTENT_TYPE)) problems.push(`content-type is not ${CE_CONTENT_TYPE}`);
    if (!headers[CE_HEADERS.ID]) problems.push(`${CE_HEADERS.ID} is missing`);
    if (!headers[CE_HEADERS.TIME] || Number.isNaN(Date.parse(headers[CE_HEADERS.TIME] ?? ''))) problems.push(`${CE_HEADERS.TIME} is missing or not a timestamp`);
    if (headers[CE_HEADERS.SOURCE] !== partnerSource(this.options.bankCode)) problems.push(`${CE_HEADERS.SOURCE} is ${JSON.stringify(headers[CE_HEADERS.SOURCE])}, not ${partnerSource(this.options.bankCode)}`);
    const type = headers[CE_HEADERS.TYPE];
    if (!type || !isEventType(type) || EVENT_CATALOGUE[type].topic !== PARTNER_TOPICS.RESPONSES) {
      problems.push(`${CE_HEADERS.TYPE} ${JSON.stringify(type)} is not an answer type`);
      return { problems };
    }
    const spec = EVENT_CATALOGUE[type];
    const validated = validatePayload(spec.payload, answer.payload);
    if (!validated.ok) problems.push(`payload breaks ${type}: ${validated.errors.join('; ')}`);
    else {
      if (field(validated.value, 'bankCode') !== this.options.bankCode) problems.push(`bankCode is not ${this.options.bankCode}`);
      if (field(validated.value, spec.keyField) !== answer.key) problems.push(`record key is not data.${spec.keyField}`);
    }
    return { problems, type };
  }

  private async lookupCase(): Promise<string | undefined> {
    const lookupId = randomUUID();
    const sentAt = await this.send(await this.requests.lookup(lookupId, this.options.testMobile));
    const answer = await this.inbox.first((candidate) => field(candidate.payload, 'lookupId') === lookupId, sentAt + this.answerTimeoutMs);
    if (!answer) {
      this.decide('lookup', false, `no answer within ${this.answerTimeoutMs / 1000} s`);
      return undefined;
    }
    const answerMs = answer.receivedAt - sentAt;
    const { problems, type } = await this.recordProblems(answer);
    if (type !== undefined && type !== EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_ANSWERED) problems.push(`type is ${type}, not ${EVENT_TYPES.PARTNER_ACCOUNT_LOOKUP_ANSWERED}`);
    const accounts = field(answer.payload, 'accounts');
    const list = Array.isArray(accounts) ? (accounts as unknown[]) : [];
    if (list.length !== 1) problems.push(`expected exactly the test account, got ${list.length} account(s)`);
    const masked = field(list[0], 'maskedAccountNumber');
    const accountRef = field(list[0], 'accountRef');
    // The holder's name travels only encrypted for kirim: never in clear, and kirim must be able to open it.
    if (list.some((account) => field(account, 'holderName') !== undefined)) problems.push('an account carries holderName in clear: the name must travel only as encryptedHolderName, encrypted for kirim');
    let kid = '';
    const encrypted = field(list[0], 'encryptedHolderName');
    if (typeof encrypted === 'string') {
      kid = jweKid(encrypted);
      const opened = await this.options.kirimDecryptionKeys.openHolderName(encrypted);
      if (!opened.ok) problems.push(`kirim cannot open the holder name: ${opened.reason}`);
      else if (new TextDecoder().decode(answer.value ?? new Uint8Array()).includes(opened.holderName) || Object.values(answer.headers).some((value) => value?.includes(opened.holderName))) {
        problems.push('the holder name also appears in clear in the record');
      }
    } else if (list.length === 1) {
      problems.push('the account has no encryptedHolderName');
    }
    if (problems.length > 0) {
      this.decide('lookup', false, problems.join('; '), answerMs);
      return typeof accountRef === 'string' && list.length === 1 && problems.every((problem) => !problem.startsWith('payload')) ? accountRef : undefined;
    }
    this.decide('lookup', true, `1 account, ${String(masked)}, holder name encrypted for ${kid}`, answerMs);
    return accountRef as string;
  }

  private async awaitLegAnswer(asked: LegRequestContent, sentAt: number, except: ReadonlySet<string> = new Set()): Promise<ReceivedAnswer | undefined> {
    return this.inbox.first(
      (candidate) => field(candidate.payload, 'requestId') === asked.requestId && !except.has(candidate.headers[CE_HEADERS.ID] ?? ''),
      sentAt + this.answerTimeoutMs,
    );
  }

  /** Everything an answer to `asked` must say, and the outcome expected. */
  private async checkLegAnswer(asked: LegRequestContent, expected: Expected, answer: ReceivedAnswer | undefined, sentAt: number): Promise<LegCheck> {
    if (!answer) return { passed: false, detail: `no answer within ${this.answerTimeoutMs / 1000} s` };
    const answerMs = answer.receivedAt - sentAt;
    const { problems, type } = await this.recordProblems(answer);
    const payload = answer.payload;
    const outcome = field(payload, 'resultCode') === RESULT_CODES.SUCCESS ? 'succeeded' : 'declined';
    const expectedType = `partner.${asked.direction}.${outcome}.v1`;
    if (type !== undefined && type !== expectedType) problems.push(`type is ${type}, but a ${asked.direction} with result ${String(field(payload, 'resultCode'))} is ${expectedType}`);
    if (field(payload, 'paymentId') !== asked.paymentId) problems.push('paymentId is not the one asked');
    if (field(payload, 'purpose') !== asked.purpose) problems.push('purpose is not the one asked');
    if (!sameAmount(field(payload, 'amount'), asked.amount)) problems.push(`amount is not ${asked.amount} INR`);
    if (field(payload, 'accountDigest') !== accountDigest(asked.requestId, asked.accountRef)) problems.push('accountDigest is not accountDigest(requestId, accountRef) of the account asked');
    if (expected.outcome === 'succeeded') {
      if (outcome !== 'succeeded') problems.push(`declined ${String(field(payload, 'resultCode'))}, expected success`);
      else if (typeof field(payload, 'rrn') !== 'string') problems.push('success without an rrn');
    } else if (field(payload, 'resultCode') !== expected.resultCode) {
      problems.push(`result ${String(field(payload, 'resultCode'))}, expected ${expected.resultCode}`);
    }
    if (answerMs > this.answerTimeoutMs) problems.push(`answered after ${Math.round(answerMs)} ms, more than ${this.answerTimeoutMs} ms`);
    if (problems.length > 0) return { passed: false, detail: problems.join('; '), answerMs, answer };
    const result = String(field(payload, 'resultCode'));
    const rrn = field(payload, 'rrn');
    return { passed: true, detail: `${type} ${result}${typeof rrn === 'string' ? ` rrn ${rrn}` : ''}`, answerMs, answer };
  }

  private async legCase(id: ConformanceCaseId, asked: LegRequestContent, expected: Expected): Promise<LegCheck> {
    const sentAt = await this.send(await this.requests.leg(asked));
    const check = await this.checkLegAnswer(asked, expected, await this.awaitLegAnswer(asked, sentAt), sentAt);
    this.decide(id, check.passed, check.detail, check.answerMs);
    return check;
  }

  /** The first debit again: same requestId and content, new ce_id, re-encrypted account. */
  private async repeatCase(asked: LegRequestContent, first: ReceivedAnswer | undefined): Promise<void> {
    if (!first) {
      this.decide('debit-repeat', false, 'not run: the first debit got no answer');
      return;
    }
    const seen = new Set(this.inbox.all((candidate) => field(candidate.payload, 'requestId') === asked.requestId).map((candidate) => candidate.headers[CE_HEADERS.ID] ?? ''));
    // As kirim's status check sends it: no PIN block (kirim never sends a PIN twice). The bank must
    // answer from its record; deciding afresh would decline (no PIN) or move money again.
    const statusCheck: LegRequestContent = { ...asked, encryptedPin: undefined };
    const sentAt = await this.send(await this.requests.leg(statusCheck));
    const answer = await this.awaitLegAnswer(asked, sentAt, seen);
    const check = await this.checkLegAnswer(asked, { outcome: 'succeeded' }, answer, sentAt);
    const problems = check.passed ? [] : [check.detail];
    if (answer) {
      for (const name of ['resultCode', 'rrn'] as const) {
        if (field(answer.payload, name) !== field(first.payload, name)) problems.push(`${name} ${String(field(answer.payload, name))} differs from the first answer's ${String(field(first.payload, name))}: money moved again, or the answer was not the recorded one`);
      }
    }
    const detail = problems.length > 0 ? problems.join('; ') : `identical answer: ${String(field(answer?.payload, 'resultCode'))} rrn ${String(field(answer?.payload, 'rrn'))}, new ce_id`;
    this.decide('debit-repeat', problems.length === 0, detail, check.answerMs);
  }

  /**
   * Two more wrong PINs after debit-wrong-pin (ZM each: three in all), then the right PIN: Z6, the
   * PIN is locked whatever is typed. The test account stays locked until the bank resets its PIN.
   */
  private async triesExceededCase(
    accountRef: string,
    leg: (direction: 'debit' | 'credit', amount: string, account: string) => LegRequestContent,
    paid: (content: LegRequestContent, typed?: string) => Promise<LegRequestContent>,
  ): Promise<void> {
    const steps: { typed: string; expected: Expected; what: string }[] = [
      { typed: wrongPinFor(this.options.testPin), expected: { outcome: 'declined', resultCode: RESULT_CODES.WRONG_PIN }, what: 'the second wrong PIN' },
      { typed: wrongPinFor(this.options.testPin), expected: { outcome: 'declined', resultCode: RESULT_CODES.WRONG_PIN }, what: 'the third wrong PIN' },
      { typed: this.options.testPin, expected: { outcome: 'declined', resultCode: RESULT_CODES.PIN_TRIES_EXCEEDED }, what: 'the right PIN after three wrong ones' },
    ];
    let last: LegCheck | undefined;
    for (const step of steps) {
      const asked = await paid(leg('debit', SMALLEST, accountRef), step.typed);
      const sentAt = await this.send(await this.requests.leg(asked));
      last = await this.checkLegAnswer(asked, step.expected, await this.awaitLegAnswer(asked, sentAt), sentAt);
      if (!last.passed) {
        this.decide('debit-pin-tries-exceeded', false, `${step.what}: ${last.detail}`, last.answerMs);
        return;
      }
    }
    this.decide('debit-pin-tries-exceeded', true, `ZM, ZM, then ${last?.detail ?? ''}; the test account's PIN is now locked: reset it before the next run`, last?.answerMs);
  }

  /** Five requests the bank must refuse, sent together; none may be answered within the window. */
  private async refusalCases(
    accountRef: string,
    firstDebit: LegRequestContent | undefined,
    leg: (direction: 'debit' | 'credit', amount: string, account: string, requestId?: string) => LegRequestContent,
  ): Promise<void> {
    const windowMs = this.options.refusalWindowMs ?? 5_000;
    const maxAgeMs = this.options.bankMaxAgeMs ?? 5 * 60_000;
    const untrusted = untrustedSigningKey();
    // Debits of the (emptied) test account: even a bank that wrongly acted on one would move nothing.
    const unsigned = leg('debit', SMALLEST, accountRef);
    const foreign = leg('debit', SMALLEST, accountRef);
    const stale = leg('debit', SMALLEST, accountRef);
    const altered = leg('debit', SMALLEST, accountRef);
    const sends: { id: ConformanceCaseId; requestId: string; record: Promise<OutgoingRecord>; since: Set<string> }[] = [
      { id: 'refuse-unsigned', requestId: unsigned.requestId, record: this.requests.leg(unsigned, { unsigned: true }), since: new Set() },
      { id: 'refuse-untrusted-key', requestId: foreign.requestId, record: this.requests.leg(foreign, { signWith: untrusted }), since: new Set() },
      { id: 'refuse-stale', requestId: stale.requestId, record: this.requests.leg(stale, { ceTime: new Date(Date.now() - maxAgeMs - 60_000) }), since: new Set() },
      { id: 'refuse-altered', requestId: altered.requestId, record: this.requests.leg(altered, { alterAfterSigning: alterAmount }), since: new Set() },
    ];
    if (firstDebit) {
      const known = new Set(this.inbox.all((candidate) => field(candidate.payload, 'requestId') === firstDebit.requestId).map((candidate) => candidate.headers[CE_HEADERS.ID] ?? ''));
      const reused = { ...firstDebit, amount: '61.00' };
      sends.unshift({ id: 'refuse-reused-request-id', requestId: firstDebit.requestId, record: this.requests.leg(reused), since: known });
    } else {
      this.decide('refuse-reused-request-id', false, 'not run: the first debit got no answer');
    }
    const sent = await Promise.all(sends.map(async (entry) => ({ ...entry, sentAt: await this.send(await entry.record) })));
    const windowStart = Math.min(...sent.map((entry) => entry.sentAt));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowStart + windowMs - performance.now())));
    for (const entry of sent) {
      const answers = this.inbox.all((candidate) => field(candidate.payload, 'requestId') === entry.requestId && !entry.since.has(candidate.headers[CE_HEADERS.ID] ?? ''));
      if (answers.length === 0) this.decide(entry.id, true, `no answer within ${(windowMs / 1000).toFixed(1)} s`);
      else {
        const first = answers[0];
        this.decide(entry.id, false, `answered (${String(first.headers[CE_HEADERS.TYPE])} ${String(field(first.payload, 'resultCode'))}): the bank acted on a request it must refuse`, first.receivedAt - entry.sentAt);
      }
    }
  }
}

/** The kid of a compact JWE's protected header, for a report line ('' when unreadable). */
function jweKid(jwe: string): string {
  try {
    const kid = decodeProtectedHeader(jwe).kid;
    return typeof kid === 'string' ? kid.slice(0, 80) : '';
  } catch {
    return '';
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A key kirim never published: a bank that accepts it trusts a key it should not. */
function untrustedSigningKey(): RecordSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return loadRecordSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), `${SERVICE_PRINCIPALS.BANK_CONNECTOR}:untrusted-${randomBytes(3).toString('hex')}`);
}

function alterAmount(value: string): string {
  const altered = value.replace(`"value":"${SMALLEST}"`, '"value":"0.02"');
  if (altered === value) throw new Error('could not alter the request amount');
  return altered;
}
