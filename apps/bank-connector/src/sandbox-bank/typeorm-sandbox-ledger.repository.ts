import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RESULT_CODES, ResultCode } from '@kirim/contracts';
import { FieldEncryption, LookupHasher, LookupNormalizationError, normalizePhoneNumber } from '@kirim/platform';
import { DataSource, EntityManager } from 'typeorm';
import { SandboxAccountFreeze, SandboxAccountKind } from './sandbox-account.entity';
import { SANDBOX_ACCOUNT_PURPOSES } from './sandbox-account-encryption';
import { LegDirection, SandboxPostingPurpose } from './sandbox-posting.entity';
import { decideLeg, differenceFromRecordedLeg, generateAccountNumber, LedgerAccountState, LedgerDecision } from './sandbox-ledger.rules';
import type { InTransaction } from '@kirim/messaging';
import {
  ChunkLeg,
  LegAuthorization,
  OpenSandboxAccountInput,
  SandboxAccountAdminView,
  SandboxAccountView,
  SandboxLedgerRepository,
  SandboxLedgerSummary,
  SandboxLegInput,
  SandboxLegOutcome,
} from './sandbox-ledger.repository';

interface LockedAccountRow {
  bank_code: string;
  kind: SandboxAccountKind;
  currency: string;
  balance_minor: string;
  freeze_kind: SandboxAccountFreeze;
}

/** A LockedAccountRow, or all nulls when no account has the id (an outer join's empty side). */
type LockedAccountOrNoneRow = LockedAccountRow | { [column in keyof LockedAccountRow]: null };

interface PostingAnswerRow {
  result_code: string;
  rrn: string | null;
  reason: string | null;
  payment_id: string | null;
  purpose: string;
  direction: string;
  bank_code: string;
  customer_account_id: string;
  amount_minor: string;
  currency: string;
}

/** The columns of PostingAnswerRow, as they are selected. */
const POSTING_ANSWER_COLUMNS = 'result_code, rrn, reason, payment_id, purpose, direction, bank_code, customer_account_id, amount_minor::text AS amount_minor, currency';
/** The same, as json_build_object's arguments. */
const POSTING_ANSWER_FIELDS = `'result_code', result_code, 'rrn', rrn, 'reason', reason, 'payment_id', payment_id, 'purpose', purpose, 'direction', direction,
  'bank_code', bank_code, 'customer_account_id', customer_account_id, 'amount_minor', amount_minor::text, 'currency', currency`;

/**
 * What lockLegAccounts read for a chunk's transaction (with `remember`), kept up to date by
 * applyLeg's own postings. Nothing else changes these rows meanwhile: the accounts are locked
 * until the transaction ends, and a request id's posting is unique.
 */
interface ChunkLedgerMemory {
  /** Each locked account's state; null for an id no account has. */
  readonly accounts: Map<string, LedgerAccountState | null>;
  /** The answer recorded for each of the chunk's request ids; null when none is. */
  readonly answers: Map<string, PostingAnswerRow | null>;
  /** RRNs drawn for the chunk, one per request id of a leg on a sandbox account, handed to its approved legs. */
  readonly rrns: string[];
  /** Postings decided from memory and not written yet (writeDeferredPostings). */
  readonly pending: Array<{ readonly posting: LegPosting; readonly answer: PostingAnswerRow }>;
}

interface AccountRow {
  id: string;
  bank_code: string;
  account_number_encrypted: string;
  holder_name_encrypted: string;
  currency: string;
  balance_minor: string;
  freeze_kind: SandboxAccountFreeze;
}

const ACCOUNT_COLUMNS = 'id, bank_code, account_number_encrypted, holder_name_encrypted, currency, balance_minor, freeze_kind';

interface LegPosting {
  readonly requestId: string;
  readonly paymentId: string | null;
  readonly purpose: SandboxPostingPurpose;
  readonly direction: LegDirection;
  readonly bankCode: string;
  readonly accountId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

/**
 * The sandbox bank's ledger, in PostgreSQL. Legs run in the caller's transaction (the consumer's
 * batch transaction), so a leg and its answer commit together; opening accounts and the read-only
 * views run on their own.
 *
 * Concurrency: the customer account row is locked (`FOR UPDATE`) before the idempotency check, so two
 * deliveries of one request on one account are serialised and the second sees the first's posting.
 * The settlement account is never locked; its balance is the sum of its entries (see the entity).
 *
 * Account numbers, holder names and mobiles are encrypted here and nowhere else (docs/data-at-rest.md):
 * callers give and get clear values; accounts are found by the keyed hash of the mobile.
 */
@Injectable()
export class TypeOrmSandboxLedgerRepository extends SandboxLedgerRepository {
  /** Per transaction (its EntityManager), what lockLegAccounts remembered. */
  private readonly remembered = new WeakMap<EntityManager, ChunkLedgerMemory>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly fields: FieldEncryption,
    private readonly lookups: LookupHasher,
  ) {
    super();
  }

  /**
   * Locks the legs' accounts in one statement, in id order. Called once per consumer chunk before its
   * legs are applied, so concurrent chunks take shared accounts in the same order and cannot
   * deadlock; applyLeg's own lock is then already held.
   *
   * Remembering costs one more statement per chunk and saves one per leg: the lock statement returns
   * the accounts (a row locked after a wait is returned as its committer left it), and the answers
   * are read after it, in a snapshot that sees every posting committed by whoever held the locks.
   */
  async lockLegAccounts(tx: InTransaction, legs: readonly ChunkLeg[], { remember }: { readonly remember: boolean }): Promise<void> {
    if (legs.length === 0) return;
    // A second chunk in one transaction would drop the first one's postings, already answered.
    if ((this.remembered.get(tx.manager)?.pending.length ?? 0) > 0) throw new Error("a chunk's sandbox postings were left unwritten (writeDeferredPostings)");
    const accountRefs = [...new Set(legs.map((leg) => idKey(leg.accountRef)))];
    const accounts = await tx.manager.query<Array<LockedAccountRow & { id: string }>>(
      `SELECT id, bank_code, kind, currency, balance_minor::text AS balance_minor, freeze_kind
         FROM sandbox_accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [accountRefs],
    );
    if (!remember) return;
    const requestIds = [...new Set(legs.map((leg) => idKey(leg.requestId)))];
    // The RRNs come with the answers: one per request id of a leg on a sandbox account, more than the
    // approved legs will take (a sequence has gaps anyway; its 12 digits last about 15 years at
    // 2,000 legs a second).
    const held = new Set(accounts.map((row) => row.id));
    const rrnsWanted = new Set(legs.filter((leg) => held.has(idKey(leg.accountRef))).map((leg) => idKey(leg.requestId))).size;
    const [read] = await tx.manager.query<Array<{ answers: Array<PostingAnswerRow & { request_id: string }> | null; rrns: string[] | null }>>(
      `SELECT (SELECT json_agg(json_build_object('request_id', request_id, ${POSTING_ANSWER_FIELDS})) FROM sandbox_postings WHERE request_id = ANY($1::uuid[])) AS answers,
              (SELECT array_agg(lpad(nextval('sandbox_rrn_seq')::text, 12, '0')) FROM generate_series(1, $2::int)) AS rrns`,
      [requestIds, rrnsWanted],
    );
    const memory: ChunkLedgerMemory = {
      accounts: new Map(accountRefs.map((ref) => [ref, null])),
      answers: new Map(requestIds.map((id) => [id, null])),
      rrns: (read.rrns ?? []).reverse(),
      pending: [],
    };
    for (const row of accounts) memory.accounts.set(row.id, accountStateOf(row));
    for (const { request_id: requestId, ...answer } of read.answers ?? []) memory.answers.set(requestId, answer);
    this.remembered.set(tx.manager, memory);
  }

  async applyLeg(tx: InTransaction, leg: SandboxLegInput, authorize?: LegAuthorization): Promise<SandboxLegOutcome> {
    const { manager } = tx;
    const memory = this.remembered.get(manager);
    const remembered = rememberedAccountAndAnswer(memory, leg);
    // A leg the chunk was not told of is read from the tables: they must hold what was left for later.
    if (memory !== undefined && remembered === undefined) await this.writePending(tx, memory);
    const { account, earlier } = remembered ?? (await this.lockAccountAndFindAnswer(manager, leg));
    if (earlier) {
      return earlier;
    }

    const posting: LegPosting = {
      requestId: leg.requestId,
      paymentId: leg.paymentId,
      purpose: leg.purpose,
      direction: leg.direction,
      bankCode: leg.bankCode,
      accountId: leg.accountRef,
      // A negative amount cannot reach here (the contract's pattern has no sign); 0 is recorded as is.
      amountMinor: leg.amountMinor,
      currency: leg.currency,
    };
    // The PIN's decline is recorded under the request id like any other, so a status check is answered from it.
    const refusal = authorize ? await authorize() : null;
    const decision: LedgerDecision = refusal ? { approved: false, ...refusal } : decideLeg(account, leg);
    if (memory !== undefined && remembered !== undefined) return deferPosting(memory, posting, decision);
    if (!decision.approved) {
      const inserted = await this.insertDeclinedPosting(manager, posting, { resultCode: decision.resultCode, reason: decision.reason });
      if (inserted === null) {
        memory?.answers.delete(idKey(leg.requestId));
        return this.answerOfConcurrentWinner(manager, leg);
      }
      memory?.answers.set(idKey(leg.requestId), answerRowOf(posting, decision.resultCode, null, decision.reason));
      return { approved: false, resultCode: decision.resultCode, reason: decision.reason, replayed: false };
    }

    const rrn = await this.postApproved(manager, posting);
    if (rrn === null) {
      memory?.answers.delete(idKey(leg.requestId));
      return this.answerOfConcurrentWinner(manager, leg);
    }
    if (memory !== undefined) rememberPosted(memory, posting, answerRowOf(posting, RESULT_CODES.SUCCESS, rrn, null));
    return { approved: true, rrn, replayed: false };
  }

  /** Writes what the chunk left for later, and forgets what it remembered: a leg applied later in `tx` reads and writes the tables. */
  async writeDeferredPostings(tx: InTransaction): Promise<void> {
    const memory = this.remembered.get(tx.manager);
    if (memory === undefined) return;
    this.remembered.delete(tx.manager);
    await this.writePending(tx, memory);
  }

  /**
   * The chunk's postings, entries and balance changes in one statement (see postApproved for the
   * CTEs' rules): each balance moves once by its legs' sum, whose every step applyLeg checked. A
   * request id taken meanwhile by another transaction (one request id naming two accounts) leaves a
   * posting out, and a bank without a settlement account its entries: either throws here, and the
   * whole chunk is undone.
   */
  private async writePending(tx: InTransaction, { pending }: ChunkLedgerMemory): Promise<void> {
    if (pending.length === 0) return;
    const legs = pending.splice(0);
    const column = <T>(value: (leg: (typeof legs)[number]) => T): T[] => legs.map(value);
    const [written] = await tx.manager.query<Array<{ postings: number; entries: number }>>(
      `WITH leg AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[])
           AS leg (request_id, payment_id, purpose, direction, bank_code, customer_account_id, currency, amount_minor, result_code, rrn, reason)
       ), posting AS (
         INSERT INTO sandbox_postings (${POSTING_COLUMNS}, result_code, rrn, reason)
         SELECT request_id, payment_id, purpose, direction, bank_code, customer_account_id, currency, amount_minor, result_code, rrn, reason FROM leg
         ON CONFLICT (request_id) DO NOTHING
         RETURNING id, rrn, bank_code, currency, customer_account_id,
                   CASE WHEN direction = 'debit' THEN -amount_minor ELSE amount_minor END AS customer_delta
       ), entries AS (
         INSERT INTO sandbox_ledger_entries (posting_id, account_id, amount_minor)
         SELECT posting.id, posting.customer_account_id, posting.customer_delta FROM posting WHERE posting.rrn IS NOT NULL
         UNION ALL
         SELECT posting.id, settlement.id, -posting.customer_delta
           FROM posting JOIN sandbox_accounts settlement
             ON settlement.kind = 'settlement' AND settlement.bank_code = posting.bank_code AND settlement.currency = posting.currency
          WHERE posting.rrn IS NOT NULL
         RETURNING account_id
       ), balance AS (
         UPDATE sandbox_accounts account SET balance_minor = account.balance_minor + moved.delta
           FROM (SELECT customer_account_id, sum(customer_delta) AS delta FROM posting WHERE rrn IS NOT NULL GROUP BY customer_account_id) moved
          WHERE account.id = moved.customer_account_id
       )
       SELECT (SELECT count(*) FROM posting)::int AS postings, (SELECT count(*) FROM entries)::int AS entries`,
      [
        column(({ posting }) => posting.requestId),
        column(({ posting }) => posting.paymentId),
        column(({ posting }) => posting.purpose),
        column(({ posting }) => posting.direction),
        column(({ posting }) => posting.bankCode),
        column(({ posting }) => posting.accountId),
        column(({ posting }) => posting.currency),
        column(({ posting }) => posting.amountMinor.toString()),
        column(({ answer }) => answer.result_code),
        column(({ answer }) => answer.rrn),
        column(({ answer }) => answer.reason),
      ],
    );
    const approved = legs.filter(({ answer }) => answer.rrn !== null).length;
    if (written.postings !== legs.length) {
      throw new Error(`${legs.length - written.postings} of the chunk's ${legs.length} sandbox postings found their request id taken by another transaction`);
    }
    if (written.entries !== 2 * approved) {
      throw new Error(`a sandbox bank of the chunk has no settlement account in the legs' currency`);
    }
  }

  /** Opens a customer account; a positive opening balance is paid in from the bank's settlement account, in one transaction. */
  async openAccount(input: OpenSandboxAccountInput): Promise<SandboxAccountView> {
    return this.dataSource.transaction((manager) => this.openAccountIn(manager, input));
  }

  private async openAccountIn(manager: EntityManager, input: OpenSandboxAccountInput): Promise<SandboxAccountView> {
    const accountNumber = generateAccountNumber((max) => randomInt(max));
    const [row] = await manager.query<AccountRow[]>(
      `INSERT INTO sandbox_accounts
         (bank_code, account_number_encrypted, account_number_hash, holder_name_encrypted, mobile_encrypted, mobile_hash, kind, currency, balance_minor)
       VALUES ($1, $2, $3, $4, $5, $6, 'customer', $7, 0)
       RETURNING ${ACCOUNT_COLUMNS}`,
      [
        input.bankCode,
        this.fields.encrypt(SANDBOX_ACCOUNT_PURPOSES.ACCOUNT_NUMBER, accountNumber),
        this.lookups.accountNumber(accountNumber),
        this.fields.encrypt(SANDBOX_ACCOUNT_PURPOSES.HOLDER_NAME, input.holderName),
        // Normalized (E.164 without spacing), so the value kept and its hash describe one number.
        this.fields.encrypt(SANDBOX_ACCOUNT_PURPOSES.MOBILE, normalizePhoneNumber(input.mobile)),
        this.lookups.phoneNumber(input.mobile),
        input.currency,
      ],
    );
    if (input.openingBalanceMinor > 0n) {
      await this.postApproved(manager, {
        requestId: randomUUID(),
        paymentId: null,
        purpose: 'opening',
        direction: 'credit',
        bankCode: input.bankCode,
        accountId: row.id,
        amountMinor: input.openingBalanceMinor,
        currency: input.currency,
      });
    }
    return { ...this.toAccountView(row), balanceMinor: input.openingBalanceMinor };
  }

  findCustomerAccountsByMobile(mobile: string): Promise<SandboxAccountView[]> {
    return this.findAccountsForOperator(mobile);
  }

  async findAccountsForOperator(mobile: string): Promise<SandboxAccountAdminView[]> {
    const mobileHash = this.mobileHashOf(mobile);
    if (mobileHash === null) return [];
    const rows = await this.dataSource.query<AccountRow[]>(
      `SELECT ${ACCOUNT_COLUMNS}
         FROM sandbox_accounts
        WHERE kind = 'customer' AND mobile_hash = $1
        ORDER BY bank_code, created_at, id`,
      [mobileHash],
    );
    return rows.map((row) => this.toAccountView(row));
  }

  async setFreeze(accountRef: string, freeze: SandboxAccountFreeze): Promise<SandboxAccountAdminView | null> {
    // The UPDATE takes the row lock applyLeg takes, so it waits for a leg in flight on the account.
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows] = await this.dataSource.query<[AccountRow[], number]>(
      `UPDATE sandbox_accounts SET freeze_kind = $2 WHERE id = $1 AND kind = 'customer' RETURNING ${ACCOUNT_COLUMNS}`,
      [accountRef, freeze],
    );
    return rows.length === 0 ? null : this.toAccountView(rows[0]);
  }

  /** The lookup hash of a mobile; null for one that is not E.164, which no account can have. */
  private mobileHashOf(mobile: string): string | null {
    try {
      return this.lookups.phoneNumber(mobile);
    } catch (error) {
      if (error instanceof LookupNormalizationError) return null;
      throw error;
    }
  }

  private toAccountView(row: AccountRow): SandboxAccountAdminView {
    return {
      accountRef: row.id,
      bankCode: row.bank_code,
      accountNumber: this.fields.decrypt(SANDBOX_ACCOUNT_PURPOSES.ACCOUNT_NUMBER, row.account_number_encrypted),
      holderName: this.fields.decrypt(SANDBOX_ACCOUNT_PURPOSES.HOLDER_NAME, row.holder_name_encrypted),
      currency: row.currency.trim(),
      balanceMinor: BigInt(row.balance_minor),
      freeze: row.freeze_kind,
    };
  }

  async summarize(): Promise<SandboxLedgerSummary> {
    const { manager } = this.dataSource;
    // Customer balances come from their column, settlement balances from their entries: a total of
    // zero therefore also proves that every balance update was matched by its entries.
    const rows = await manager.query<Array<{ kind: SandboxAccountKind; currency: string; accounts: string; total: string }>>(
      `SELECT a.kind, a.currency, COUNT(*) AS accounts,
              SUM(CASE WHEN a.kind = 'customer' THEN a.balance_minor
                       ELSE (SELECT COALESCE(SUM(e.amount_minor), 0) FROM sandbox_ledger_entries e WHERE e.account_id = a.id)
                  END)::text AS total
         FROM sandbox_accounts a
        GROUP BY a.kind, a.currency`,
    );
    const [unreconciled] = await manager.query<Array<{ count: string }>>(
      `SELECT COUNT(*) AS count
         FROM sandbox_accounts a
        WHERE a.kind = 'customer'
          AND a.balance_minor <> (SELECT COALESCE(SUM(e.amount_minor), 0) FROM sandbox_ledger_entries e WHERE e.account_id = a.id)`,
    );
    const total = new Map<string, bigint>();
    const customerTotal = new Map<string, bigint>();
    let accounts = 0;
    for (const row of rows) {
      const amount = BigInt(row.total);
      accounts += Number(row.accounts);
      total.set(row.currency, (total.get(row.currency) ?? 0n) + amount);
      if (row.kind === 'customer') {
        customerTotal.set(row.currency, (customerTotal.get(row.currency) ?? 0n) + amount);
      }
    }
    return { accounts, totalMinorByCurrency: total, customerTotalMinorByCurrency: customerTotal, unreconciledAccounts: Number(unreconciled.count) };
  }

  /**
   * Locks the leg's account and reads the answer recorded for its request id, in one statement. The
   * consumer's chunk holds the account lock already (lockLegAccounts), so the read sees every
   * posting committed before it. A caller that has to wait here reads postings as of before the
   * wait; one committed meanwhile for the same request id then makes this leg's posting conflict,
   * and answerOfConcurrentWinner answers with it, so nothing moves twice either way.
   */
  private async lockAccountAndFindAnswer(manager: EntityManager, leg: SandboxLegInput): Promise<{ account: LedgerAccountState | null; earlier: SandboxLegOutcome | null }> {
    const [row] = await manager.query<Array<LockedAccountOrNoneRow & { posted: PostingAnswerRow | null }>>(
      `SELECT a.bank_code, a.kind, a.currency, a.balance_minor::text AS balance_minor, a.freeze_kind,
              CASE WHEN p.request_id IS NULL THEN NULL ELSE json_build_object(
                'result_code', p.result_code, 'rrn', p.rrn, 'reason', p.reason, 'payment_id', p.payment_id, 'purpose', p.purpose,
                'direction', p.direction, 'bank_code', p.bank_code, 'customer_account_id', p.customer_account_id,
                'amount_minor', p.amount_minor::text, 'currency', p.currency) END AS posted
         FROM (SELECT 1) AS leg
         LEFT JOIN LATERAL (
           SELECT bank_code, kind, currency, balance_minor, freeze_kind FROM sandbox_accounts WHERE id = $1 FOR UPDATE
         ) a ON true
         LEFT JOIN sandbox_postings p ON p.request_id = $2`,
      [leg.accountRef, leg.requestId],
    );
    // bank_code is NOT NULL in the table: null here means no account has the leg's id.
    const account = row.bank_code === null ? null : accountStateOf(row);
    return { account, earlier: row.posted === null ? null : answerFromPosting(leg, row.posted) };
  }

  /** The answer recorded for the leg's request id, if any (answerFromPosting). */
  private async findAnswer(manager: EntityManager, leg: SandboxLegInput): Promise<SandboxLegOutcome | null> {
    const rows = await manager.query<PostingAnswerRow[]>(
      `SELECT ${POSTING_ANSWER_COLUMNS} FROM sandbox_postings WHERE request_id = $1`,
      [leg.requestId],
    );
    return rows.length === 0 ? null : answerFromPosting(leg, rows[0]);
  }

  /**
   * Another transaction inserted the same request id between our check and our insert (possible only
   * when one request id names two accounts, as the account lock serialises the usual case): its
   * answer stands (or, if it was another leg, ours is refused) and nothing of ours moved.
   */
  private async answerOfConcurrentWinner(manager: EntityManager, leg: SandboxLegInput): Promise<SandboxLegOutcome> {
    const answer = await this.findAnswer(manager, leg);
    if (answer === null) {
      throw new Error('sandbox posting vanished after a request id conflict');
    }
    return answer;
  }

  /**
   * Records a declined leg's answer under its request id. Returns the posting id, or null when a
   * concurrent transaction recorded an answer for the same request id first.
   */
  private async insertDeclinedPosting(manager: EntityManager, posting: LegPosting, answer: { resultCode: string; reason: string | null }): Promise<string | null> {
    const inserted = await manager.query<Array<{ id: string }>>(
      `INSERT INTO sandbox_postings (${POSTING_COLUMNS}, result_code, rrn, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)
       ON CONFLICT (request_id) DO NOTHING
       RETURNING id`,
      [...postingValues(posting), answer.resultCode, answer.reason],
    );
    return inserted[0]?.id ?? null;
  }

  /**
   * Records an approved posting, its two entries (customer and settlement, summing to zero) and the
   * customer's new balance. Returns the RRN, or null when the request id was taken concurrently.
   * The caller holds the customer row lock and has checked the funds.
   *
   * One statement: the RRN is drawn, the posting inserted, its entries written and the balance moved
   * by data-modifying CTEs, each run once and to completion; nothing after the posting happens when
   * the request id was taken. (Four round trips per approved leg before.) The entries' balance is
   * checked at commit by the deferred constraint trigger, and the sequence stops at 12 digits.
   */
  private async postApproved(manager: EntityManager, posting: LegPosting): Promise<string | null> {
    const customerDelta = customerDeltaOf(posting);
    const [result] = await manager.query<Array<{ rrn: string | null; entries: number }>>(
      `WITH posting AS (
         INSERT INTO sandbox_postings (${POSTING_COLUMNS}, result_code, rrn, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, lpad(nextval('sandbox_rrn_seq')::text, 12, '0'), NULL)
         ON CONFLICT (request_id) DO NOTHING
         RETURNING id, rrn
       ), entries AS (
         INSERT INTO sandbox_ledger_entries (posting_id, account_id, amount_minor)
         SELECT posting.id, $6::uuid, $10::bigint FROM posting
         UNION ALL
         SELECT posting.id, settlement.id, -($10::bigint)
           FROM posting, sandbox_accounts settlement
          WHERE settlement.kind = 'settlement' AND settlement.bank_code = $5 AND settlement.currency = $7
         RETURNING account_id
       ), balance AS (
         UPDATE sandbox_accounts SET balance_minor = balance_minor + $10::bigint
          WHERE id = $6::uuid AND EXISTS (SELECT 1 FROM posting)
       )
       SELECT (SELECT rrn FROM posting) AS rrn, (SELECT count(*) FROM entries)::int AS entries`,
      [...postingValues(posting), RESULT_CODES.SUCCESS, customerDelta.toString()],
    );
    if (result.rrn === null) return null;
    if (result.entries !== 2) {
      throw new Error(`sandbox bank ${posting.bankCode} has no ${posting.currency} settlement account`);
    }
    return result.rrn;
  }
}

/** A posting's own columns, which both of its INSERTs list first, as $1 to $8 (postingValues). */
const POSTING_COLUMNS = 'request_id, payment_id, purpose, direction, bank_code, customer_account_id, currency, amount_minor';

function postingValues(posting: LegPosting): Array<string | null> {
  return [posting.requestId, posting.paymentId, posting.purpose, posting.direction, posting.bankCode, posting.accountId, posting.currency, posting.amountMinor.toString()];
}

/** A uuid as the memory keys it: as PostgreSQL writes it (lower case), whatever case the leg used. */
function idKey(id: string): string {
  return id.toLowerCase();
}

function customerDeltaOf(posting: LegPosting): bigint {
  return posting.direction === 'debit' ? -posting.amountMinor : posting.amountMinor;
}

function accountStateOf(row: LockedAccountRow): LedgerAccountState {
  return { bankCode: row.bank_code, kind: row.kind, currency: row.currency, balanceMinor: BigInt(row.balance_minor), freeze: row.freeze_kind };
}

/** The leg's account and recorded answer from the chunk's memory; undefined when it holds not both. */
function rememberedAccountAndAnswer(
  memory: ChunkLedgerMemory | undefined,
  leg: SandboxLegInput,
): { account: LedgerAccountState | null; earlier: SandboxLegOutcome | null } | undefined {
  const account = memory?.accounts.get(idKey(leg.accountRef));
  const posted = memory?.answers.get(idKey(leg.requestId));
  if (account === undefined || posted === undefined) return undefined;
  return { account, earlier: posted === null ? null : answerFromPosting(leg, posted) };
}

/** The row findAnswer would read for a posting this transaction recorded. */
function answerRowOf(posting: LegPosting, resultCode: string, rrn: string | null, reason: string | null): PostingAnswerRow {
  return {
    result_code: resultCode,
    rrn,
    reason,
    payment_id: posting.paymentId,
    purpose: posting.purpose,
    direction: posting.direction,
    bank_code: posting.bankCode,
    customer_account_id: posting.accountId,
    amount_minor: posting.amountMinor.toString(),
    currency: posting.currency,
  };
}

/** A posting in the chunk's memory: its answer, and if approved its account's new balance. */
function rememberPosted(memory: ChunkLedgerMemory, posting: LegPosting, answer: PostingAnswerRow): void {
  memory.answers.set(idKey(posting.requestId), answer);
  if (answer.rrn === null) return;
  const account = memory.accounts.get(idKey(posting.accountId));
  if (account) memory.accounts.set(idKey(posting.accountId), { ...account, balanceMinor: account.balanceMinor + customerDeltaOf(posting) });
}

/**
 * A leg decided from the chunk's memory: its answer now, its posting left for writeDeferredPostings,
 * what it changes remembered at once so the chunk's next legs are decided on it.
 */
function deferPosting(memory: ChunkLedgerMemory, posting: LegPosting, decision: LedgerDecision): SandboxLegOutcome {
  if (!decision.approved) {
    const answer = answerRowOf(posting, decision.resultCode, null, decision.reason);
    memory.pending.push({ posting, answer });
    rememberPosted(memory, posting, answer);
    return { approved: false, resultCode: decision.resultCode, reason: decision.reason, replayed: false };
  }
  const rrn = memory.rrns.pop();
  // One RRN per request id was drawn, and a request id is approved once: none left is a bug.
  if (rrn === undefined) throw new Error('the chunk ran out of the RRNs drawn for it');
  const answer = answerRowOf(posting, RESULT_CODES.SUCCESS, rrn, null);
  memory.pending.push({ posting, answer });
  rememberPosted(memory, posting, answer);
  return { approved: true, rrn, replayed: false };
}

/**
 * The answer a recorded posting gives a leg with its request id. A request id names one leg for good:
 * one that comes back naming another account, amount, direction or payment is not a redelivery but
 * a reuse, and is refused rather than answered from the first (which would tell the sender its new
 * leg was done).
 */
function answerFromPosting(leg: SandboxLegInput, row: PostingAnswerRow): SandboxLegOutcome {
  const difference = differenceFromRecordedLeg(leg, {
    paymentId: row.payment_id,
    purpose: row.purpose,
    direction: row.direction,
    bankCode: row.bank_code,
    accountRef: row.customer_account_id,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency.trim(),
  });
  if (difference !== null) {
    return { approved: false, refused: true, reason: `request id ${leg.requestId} was already used for another leg: ${difference} differs` };
  }
  if (row.result_code === RESULT_CODES.SUCCESS && row.rrn !== null) {
    return { approved: true, rrn: row.rrn, replayed: true };
  }
  return { approved: false, resultCode: row.result_code as ResultCode, reason: row.reason ?? 'declined', replayed: true };
}
