// A bank for integration tests that answers payments' leg requests on the real broker by a fault plan.
import { randomInt, randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { BankLegRequested, BankLegResult, CE_HEADERS, EVENT_SOURCES, EVENT_TYPES, LegPurpose, Money, RESULT_CODES, ResultCode, TOPICS } from '@kirim/contracts';
import { decodeCloudEvent, encodeCloudEvent, headerText, RecordSigner, RecordVerifier } from '@kirim/messaging';
import type { AccountAtBank } from '../payment/payment';
import { ANSWER_AT_ONCE, LegFault, PaymentFaultPlan } from './bank-fault-plan';

export type BankLegName = 'debit' | 'credit' | 'reversal';

/** What the bank did with one requestId: applied it (moved the money) or declined it. At most one record per requestId. */
export interface BankRecord {
  readonly requestId: string;
  readonly paymentId: string;
  readonly leg: BankLegName;
  /** As the request said: `payment`, `refund` (a merchant's refund: its debit carries no PIN) or `reversal`. */
  readonly purpose: LegPurpose;
  readonly account: AccountAtBank;
  readonly amount: Money;
  readonly applied: boolean;
  readonly resultCode: ResultCode;
  /** A debit the plan let through, declined because the account lacked the funds (Z9). */
  readonly lackedFunds?: true;
  readonly rrn?: string;
}

export interface FaultInjectingBankOptions {
  /** A client connected as admin: the test's topics carry a prefix the declared ACLs do not cover. */
  readonly kafka: Kafka;
  readonly topicPrefix: string;
  /** bank-connector's record signer: bank.responses.v1 is a signed topic. */
  readonly signer: RecordSigner;
  /** payments' signature and the freshness window, as bank-connector checks them: a refused copy is never applied. */
  readonly verifier: RecordVerifier;
  /** Copies of one attempt payments sends: the request and its status checks. An `unanswered` attempt drops them all. */
  readonly copiesPerAttempt: number;
  /** Resolves once payments has deemed the outcome of the leg `requestId`: when an `after-deemed` answer is let go. */
  readonly deemed: (leg: BankLegName, paymentId: string, requestId: string, signal: AbortSignal) => Promise<void>;
  /** How long a request may wait for its payment's plan (the test registers it once initiating returns). */
  readonly planWaitMs?: number;
}

interface HeldRecord {
  record: BankRecord;
  /** Pending while the answers are held (`slow`, `after-deemed`); answers to re-sends wait for it too. */
  release: Promise<void> | null;
}

/**
 * Plays bank-connector and every partner bank at once: consumes the leg requests payments sends on
 * bank.requests.v1 (checking payments' signature and the freshness window as bank-connector does),
 * keeps a ledger, and answers on bank.responses.v1, signed as bank-connector, by each payment's
 * fault plan. Like a real bank it applies a requestId at most once and answers a repeat from its
 * record; a debit without the funds is declined (Z9), so no account goes negative. Money between
 * banks sits in `inFlight` (the scheme's settlement): a debit moves it there from the payer, a credit
 * or reversal out of it, so the ledger's total never changes and `inFlight` shows what is owed.
 */
export class FaultInjectingBank {
  private readonly balances = new Map<string, bigint>();
  private settlement = 0n;
  private readonly records = new Map<string, HeldRecord>();
  private readonly recordsByPayment = new Map<string, BankRecord[]>();
  /** CloudEvents ids of every copy of a requestId (a status check is a new record with the same requestId). */
  private readonly copies = new Map<string, Set<string>>();
  private readonly reversalIds = new Map<string, string[]>();
  private readonly plans = new Map<string, PaymentFaultPlan>();
  private readonly processedOffsets = new Map<number, bigint>();
  private readonly answerIds: string[] = [];
  private readonly republishedIds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  /** Requests being taken now. */
  private inHand = 0;
  /** Answers held back (`slow`, `after-deemed`), by requestId: what each waits for. */
  private readonly heldBack = new Map<string, string>();
  private consumer?: Consumer;
  private producer?: Producer;
  /** Things a bank must never see from payments (a requestId reused for another leg, a request it cannot read). */
  readonly anomalies: string[] = [];
  /** Copies refused as bank-connector would (bad signature, too old): never applied. */
  readonly refused: Array<{ readonly requestId: string; readonly reason: string }> = [];

  constructor(private readonly options: FaultInjectingBankOptions) {}

  get requestsTopic(): string {
    return this.options.topicPrefix + TOPICS.BANK_REQUESTS;
  }

  async start(): Promise<void> {
    this.producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    const consumer = this.options.kafka.consumer({ groupId: `${this.options.topicPrefix}fault-injecting-bank`, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.requestsTopic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachMessage: async ({ partition, message }) => {
        this.inHand += 1;
        try {
          await this.take(message);
        } catch (error) {
          if (!this.abort.signal.aborted) this.anomalies.push(`handling a request failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          this.inHand -= 1;
          this.processedOffsets.set(partition, BigInt(message.offset) + 1n);
        }
      },
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  openAccount(account: AccountAtBank, balanceMinor: bigint): void {
    const key = accountKey(account);
    if (this.balances.has(key)) throw new Error('account opened twice');
    this.balances.set(key, balanceMinor);
  }

  /** The plan for a payment's legs; requests for a payment wait (up to `planWaitMs`) until it is given. */
  expect(paymentId: string, plan: PaymentFaultPlan): void {
    this.plans.set(paymentId, plan);
  }

  balanceOf(account: AccountAtBank): bigint {
    const balance = this.balances.get(accountKey(account));
    if (balance === undefined) throw new Error('no such account');
    return balance;
  }

  /** Every account's balance plus the money between banks: constant whatever happens. */
  get total(): bigint {
    let sum = this.settlement;
    for (const balance of this.balances.values()) sum += balance;
    return sum;
  }

  recordsOf(paymentId: string): readonly BankRecord[] {
    return this.recordsByPayment.get(paymentId) ?? [];
  }

  /** Ids of every answer sent (CloudEvents ids), to find them in payments' inbox. */
  get answersSent(): readonly string[] {
    return this.answerIds;
  }

  /** Ids of answers published twice as the same record (`twice`, `sameRecord`). */
  get answersRepublished(): ReadonlySet<string> {
    return this.republishedIds;
  }

  /**
   * Why the bank is not done with the requests on the topic up to `highWatermarks` (by partition):
   * records not taken yet, requests in hand, answers held back. Null when it is.
   */
  busyWith(highWatermarks: ReadonlyArray<{ readonly partition: number; readonly high: string }>): string | null {
    const behind = highWatermarks.filter(({ partition, high }) => (this.processedOffsets.get(partition) ?? 0n) < BigInt(high)).map(({ partition }) => partition);
    const reasons = [
      behind.length > 0 ? `requests not taken yet on partitions ${behind.join(', ')}` : null,
      this.inHand > 0 ? `${this.inHand} requests in hand` : null,
      this.heldBack.size > 0 ? `answers held back: ${[...this.heldBack.values()].join('; ')}` : null,
    ].filter((reason): reason is string => reason !== null);
    return reasons.length > 0 ? reasons.join('; ') : null;
  }

  private async take(message: KafkaMessage): Promise<void> {
    const ceId = headerText(message.headers, CE_HEADERS.ID) ?? '';
    const decoded = decodeCloudEvent(TOPICS.BANK_REQUESTS, message);
    if (!decoded.ok) {
      this.anomalies.push(`unreadable request ${ceId}: ${decoded.reason}`);
      return;
    }
    const request = decoded.event.data as BankLegRequested;
    const copies = this.copies.get(request.requestId) ?? new Set<string>();
    this.copies.set(request.requestId, copies);
    // The same record again (Kafka redelivery): bank-connector's inbox drops it.
    if (copies.has(decoded.event.id)) return;
    copies.add(decoded.event.id);
    const copy = copies.size;
    const refusal = await this.options.verifier.check(TOPICS.BANK_REQUESTS, message);
    if (refusal !== null) {
      this.refused.push({ requestId: request.requestId, reason: refusal });
      return;
    }
    const leg: BankLegName = decoded.event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED ? 'debit' : request.purpose === 'reversal' ? 'reversal' : 'credit';
    const fault = this.faultFor(await this.planOf(request.paymentId), leg, request);
    // The bank never sees this attempt: neither the request nor its status checks.
    if (fault.delivery.kind === 'unanswered' && copy <= this.options.copiesPerAttempt) return;

    const existing = this.records.get(request.requestId);
    if (existing) {
      const mismatch = differsFrom(existing.record, request, leg);
      if (mismatch) {
        this.anomalies.push(`requestId ${request.requestId} reused for another leg: ${mismatch}`);
        return;
      }
      await this.answerFromRecord(existing, decoded.event.type);
      return;
    }
    const held: HeldRecord = { record: this.apply(request, leg, fault), release: null };
    this.records.set(request.requestId, held);
    this.recordsByPayment.set(request.paymentId, [...this.recordsOf(request.paymentId), held.record]);
    const delivery = fault.delivery;
    switch (delivery.kind) {
      // An attempt retried with the same requestId after going unanswered is answered at once.
      case 'unanswered':
      case 'prompt':
        await this.answer(held.record, decoded.event.type);
        return;
      case 'twice':
        await this.answer(held.record, decoded.event.type, delivery.sameRecord ? 2 : 1);
        if (!delivery.sameRecord) await this.answer(held.record, decoded.event.type);
        return;
      case 'lost':
        return;
      case 'slow':
        held.release = this.after(delivery.ms);
        break;
      case 'after-deemed':
        held.release = this.options.deemed(leg, request.paymentId, request.requestId, this.abort.signal);
        break;
    }
    this.heldBack.set(request.requestId, `${leg} of payment ${request.paymentId} (${delivery.kind})`);
    this.answerWhenReleased(held, decoded.event.type);
  }

  private async answerFromRecord(held: HeldRecord, requestType: string): Promise<void> {
    if (held.release) this.answerWhenReleased(held, requestType);
    else await this.answer(held.record, requestType);
  }

  /** Sends the answer once the hold ends; the bank counts as busy until then (`busyWith`). */
  private answerWhenReleased(held: HeldRecord, requestType: string): void {
    const release = held.release;
    if (!release) return;
    void release
      .then(async () => {
        held.release = null;
        await this.answer(held.record, requestType);
      })
      .catch((error: unknown) => {
        if (!this.abort.signal.aborted) this.anomalies.push(`a held answer was never let go: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        if (held.release === null || this.abort.signal.aborted) this.heldBack.delete(held.record.requestId);
      });
  }

  private after(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async planOf(paymentId: string): Promise<PaymentFaultPlan> {
    const deadline = Date.now() + (this.options.planWaitMs ?? 10_000);
    for (;;) {
      const plan = this.plans.get(paymentId);
      if (plan) return plan;
      if (Date.now() > deadline || this.abort.signal.aborted) throw new Error(`no fault plan for payment ${paymentId}`);
      await this.after(20);
    }
  }

  private faultFor(plan: PaymentFaultPlan, leg: BankLegName, request: BankLegRequested): LegFault {
    if (leg === 'debit') return plan.debit;
    if (leg === 'credit') return plan.credit;
    const ids = this.reversalIds.get(request.paymentId) ?? [];
    this.reversalIds.set(request.paymentId, ids);
    if (!ids.includes(request.requestId)) ids.push(request.requestId);
    return plan.reversals[ids.indexOf(request.requestId)] ?? ANSWER_AT_ONCE;
  }

  /** Moves the money (or declines), once per requestId. */
  private apply(request: BankLegRequested, leg: BankLegName, fault: LegFault): BankRecord {
    const amount = Money.parse(request.amount);
    if (Money.isError(amount)) throw new Error(`request ${request.requestId} has an unreadable amount`);
    const account = { bankCode: request.bankCode, accountRef: request.accountRef };
    const base = { requestId: request.requestId, paymentId: request.paymentId, leg, purpose: request.purpose, account, amount };
    const key = accountKey(account);
    const balance = this.balances.get(key);
    if (balance === undefined) return { ...base, applied: false, resultCode: leg === 'debit' ? RESULT_CODES.REMITTER_ACCOUNT_MISSING : RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING };
    if (fault.answer.kind === 'decline') return { ...base, applied: false, resultCode: fault.answer.code };
    if (leg === 'debit') {
      if (balance < amount.minorUnits) return { ...base, applied: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS, lackedFunds: true };
      this.balances.set(key, balance - amount.minorUnits);
      this.settlement += amount.minorUnits;
      return { ...base, applied: true, resultCode: RESULT_CODES.SUCCESS, rrn: String(randomInt(100_000_000_000, 999_999_999_999)) };
    }
    this.balances.set(key, balance + amount.minorUnits);
    this.settlement -= amount.minorUnits;
    return { ...base, applied: true, resultCode: RESULT_CODES.SUCCESS };
  }

  /** Sends the answer `record` gives; `copies` > 1 publishes the same signed record again (as a producer retry would). */
  private async answer(record: BankRecord, requestType: string, copies = 1): Promise<void> {
    if (this.abort.signal.aborted || !this.producer) return;
    const debit = requestType === EVENT_TYPES.BANK_DEBIT_REQUESTED;
    const type = debit
      ? record.applied
        ? EVENT_TYPES.BANK_DEBIT_SUCCEEDED
        : EVENT_TYPES.BANK_DEBIT_DECLINED
      : record.applied
        ? EVENT_TYPES.BANK_CREDIT_SUCCEEDED
        : EVENT_TYPES.BANK_CREDIT_DECLINED;
    const data: BankLegResult = {
      requestId: record.requestId,
      paymentId: record.paymentId,
      purpose: record.purpose,
      bankCode: record.account.bankCode,
      accountRef: record.account.accountRef,
      amount: record.amount.toDto(),
      resultCode: record.resultCode,
      ...(record.rrn !== undefined ? { rrn: record.rrn } : {}),
    };
    const id = randomUUID();
    const message = encodeCloudEvent({ id, type, source: EVENT_SOURCES.BANK_CONNECTOR, time: new Date(), key: record.paymentId, data });
    const signed = await this.options.signer.sign(TOPICS.BANK_RESPONSES, message);
    this.answerIds.push(id);
    if (copies > 1) this.republishedIds.add(id);
    await this.producer.send({ topic: this.options.topicPrefix + TOPICS.BANK_RESPONSES, acks: -1, messages: Array.from({ length: copies }, () => signed) });
  }
}

function accountKey(account: AccountAtBank): string {
  return `${account.bankCode}/${account.accountRef}`;
}

/** What differs between a bank's record and a request naming the same requestId; null when it is the same leg. */
function differsFrom(record: BankRecord, request: BankLegRequested, leg: BankLegName): string | null {
  const amount = Money.parse(request.amount);
  const differing = [
    record.leg !== leg ? `leg ${leg} (recorded ${record.leg})` : null,
    record.purpose !== request.purpose ? `purpose ${request.purpose} (recorded ${record.purpose})` : null,
    record.paymentId !== request.paymentId ? 'payment' : null,
    accountKey(record.account) !== accountKey(request) ? 'account' : null,
    Money.isError(amount) || amount.minorUnits !== record.amount.minorUnits || amount.currency !== record.amount.currency ? 'amount' : null,
  ].filter((item): item is string => item !== null);
  return differing.length > 0 ? differing.join(', ') : null;
}
