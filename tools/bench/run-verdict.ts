/**
 * The verdict on a load run, from the truth only: what the API says each accepted payment became,
 * and what the sandbox bank's ledger holds for it. Shared by `npm run bench` and `npm run chaos`, so
 * the two can never judge the same run differently. Events seen on Kafka play no part here.
 *
 * Per accepted payment, the ledger must show exactly the legs its final status implies:
 *
 *   completed      one payment debit of the amount on the payer, one payment credit on the payee
 *   debit_failed   nothing approved
 *   reversed       one payment debit on the payer, one reversal credit back to the payer
 *
 * - moved twice: more than one approved leg of one kind (payment debit, payment credit, reversal
 *   credit), or a kind that moved more than the amount: money the payer did not agree to move;
 * - lost: accepted but not final when judged, or final while the ledger disagrees with the status
 *   (the payer debited and the payee never credited nor the payer reversed, a leg on the wrong
 *   account, a leg the status does not explain).
 *
 * Over the run: the ledger sums to zero, the customers' total is what it was before the run (money
 * only moves between customers) but for what unfinished payments hold in flight, every account
 * reconciles with its entries, every bench account holds its opening balance plus its completed
 * payments (and what its unfinished ones moved so far), and no payment the client never saw
 * accepted moved money on the bench's accounts. Unfinished payments are lost already; money they
 * hold in flight is not counted a second time as money not conserved.
 */

export const FINAL_STATUSES = ['completed', 'debit_failed', 'reversed'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export function isFinalStatus(status: string | null | undefined): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status ?? '');
}

/** A payment the API accepted (202, or 200 for a replay of the same Idempotency-Key). */
export interface AcceptedPayment {
  readonly paymentId: string;
  readonly payerUserId: string;
  readonly payerAccountRef: string;
  readonly payeeAccountRef: string;
  readonly amountMinor: bigint;
  /** Epoch ms at which the client had the acceptance in hand. */
  readonly acceptedAt: number;
}

/** A payment as GET /v1/payments/{id} showed it to its payer. */
export interface PaymentState {
  readonly paymentId: string;
  /** null: the API did not answer for this payment however long the client retried. */
  readonly status: string | null;
  readonly resultCode?: string;
  /** Epoch ms of the change that made it final (its updatedAt; final payments never change again). */
  readonly finalAt?: number;
}

export type LegKind = 'payment-debit' | 'payment-credit' | 'reversal-credit';

/** One approved posting of the sandbox bank for a payment, with what it did to the customer account. */
export interface PostedLeg {
  readonly paymentId: string;
  readonly requestId: string;
  readonly kind: LegKind | 'other';
  readonly accountRef: string;
  /** Signed minor units on the customer account: negative left it, positive entered it. */
  readonly movementMinor: bigint;
}

export interface LedgerTotals {
  /** Every account, customers and settlement, INR; double entry keeps it 0. */
  readonly totalMinor: bigint;
  readonly customerTotalMinor: bigint;
  readonly unreconciledAccounts: number;
}

export interface LedgerTruth {
  /** Approved legs of the accepted payments. */
  readonly legs: readonly PostedLeg[];
  /** Payments the client never saw accepted that moved money on the run's accounts. */
  readonly strangerPaymentIds: readonly string[];
  /** The run's accounts' balances now, by accountRef. */
  readonly balances: ReadonlyMap<string, bigint>;
  readonly before: LedgerTotals;
  readonly after: LedgerTotals;
}

export interface RunAccount {
  readonly accountRef: string;
  readonly openingMinor: bigint;
}

export type PaymentJudgement =
  | { readonly kind: 'settled'; readonly status: FinalStatus }
  | { readonly kind: 'not-final'; readonly status: string | null }
  | { readonly kind: 'ledger-disagrees'; readonly status: FinalStatus; readonly detail: string }
  | { readonly kind: 'moved-twice'; readonly status: string | null; readonly detail: string };

interface ExpectedLeg {
  readonly kind: LegKind;
  readonly accountRef: string;
  readonly movementMinor: bigint;
}

function expectedLegs(payment: AcceptedPayment, status: FinalStatus): ExpectedLeg[] {
  const debit: ExpectedLeg = { kind: 'payment-debit', accountRef: payment.payerAccountRef, movementMinor: -payment.amountMinor };
  switch (status) {
    case 'completed':
      return [debit, { kind: 'payment-credit', accountRef: payment.payeeAccountRef, movementMinor: payment.amountMinor }];
    case 'debit_failed':
      return [];
    case 'reversed':
      // A reversal credits the payer: the money goes back where it came from.
      return [debit, { kind: 'reversal-credit', accountRef: payment.payerAccountRef, movementMinor: payment.amountMinor }];
    default:
      return assertNever(status);
  }
}

function describeLeg(leg: { kind: string; accountRef: string; movementMinor: bigint }, payment: AcceptedPayment): string {
  const whose = leg.accountRef === payment.payerAccountRef ? 'payer' : leg.accountRef === payment.payeeAccountRef ? 'payee' : `account ${leg.accountRef}`;
  return `${leg.kind} ${leg.movementMinor > 0n ? '+' : ''}${leg.movementMinor} on ${whose}`;
}

/** Judges one accepted payment from its API state and its approved legs. */
export function judgePayment(payment: AcceptedPayment, state: PaymentState | undefined, legs: readonly PostedLeg[]): PaymentJudgement {
  const status = state?.status ?? null;

  // Moved twice is checked whatever the status: money moved twice is the worst news, final or not.
  const byKind = new Map<string, PostedLeg[]>();
  for (const leg of legs) byKind.set(leg.kind, [...(byKind.get(leg.kind) ?? []), leg]);
  for (const [kind, ofKind] of byKind) {
    const moved = ofKind.reduce((sum, leg) => sum + (leg.movementMinor < 0n ? -leg.movementMinor : leg.movementMinor), 0n);
    if (ofKind.length > 1 || moved > payment.amountMinor) {
      return { kind: 'moved-twice', status, detail: `${ofKind.length} approved ${kind} leg(s) moving ${moved} in all for an amount of ${payment.amountMinor} (requests ${ofKind.map((leg) => leg.requestId).join(', ')})` };
    }
  }

  if (!isFinalStatus(status)) return { kind: 'not-final', status };

  const expected = expectedLegs(payment, status);
  const unexplained = [...legs];
  const missing: ExpectedLeg[] = [];
  for (const want of expected) {
    const index = unexplained.findIndex((leg) => leg.kind === want.kind && leg.accountRef === want.accountRef && leg.movementMinor === want.movementMinor);
    if (index >= 0) unexplained.splice(index, 1);
    else missing.push(want);
  }
  if (missing.length > 0 || unexplained.length > 0) {
    const parts = [
      ...missing.map((leg) => `missing ${describeLeg(leg, payment)}`),
      ...unexplained.map((leg) => `unexplained ${describeLeg(leg, payment)}`),
    ];
    return { kind: 'ledger-disagrees', status, detail: `${status}, but the ledger has: ${parts.join('; ')}` };
  }
  return { kind: 'settled', status };
}

export interface RunVerdict {
  readonly accepted: number;
  /** Final by the API, with a ledger that agrees. */
  readonly settled: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** notFinal + ledgerDisagrees. */
  readonly lost: number;
  readonly notFinal: number;
  readonly ledgerDisagrees: number;
  readonly movedTwice: number;
  readonly strangerPayments: number;
  readonly balanceMismatches: number;
  /** Minor units the unfinished payments have taken out of customer accounts so far (negative: debited, not yet credited). */
  readonly inFlightMinor: string;
  readonly ledger: {
    readonly before: { readonly totalMinor: string; readonly customerTotalMinor: string; readonly unreconciledAccounts: number };
    readonly after: { readonly totalMinor: string; readonly customerTotalMinor: string; readonly unreconciledAccounts: number };
  };
  readonly conservationProblems: readonly string[];
  /** Up to 20 payments that are not settled, with why. */
  readonly problemExamples: readonly { readonly paymentId: string; readonly judgement: PaymentJudgement }[];
  readonly ok: boolean;
  /** Why the run failed, one line each; empty when ok. */
  readonly failures: readonly string[];
}

export interface RunToJudge {
  readonly accounts: readonly RunAccount[];
  readonly payments: readonly AcceptedPayment[];
  readonly states: ReadonlyMap<string, PaymentState>;
  readonly ledger: LedgerTruth;
}

export function judgeRun(run: RunToJudge): RunVerdict {
  const legsByPayment = new Map<string, PostedLeg[]>();
  for (const leg of run.ledger.legs) legsByPayment.set(leg.paymentId, [...(legsByPayment.get(leg.paymentId) ?? []), leg]);

  const outcomes: Record<string, number> = {};
  const problemExamples: { paymentId: string; judgement: PaymentJudgement }[] = [];
  const counts = { settled: 0, notFinal: 0, ledgerDisagrees: 0, movedTwice: 0 };
  // What each account should hold by the API's word: opening balance plus completed payments, plus
  // whatever unfinished payments have moved so far (in flight at the banks' settlement accounts).
  const expectedBalances = new Map(run.accounts.map((account) => [account.accountRef, account.openingMinor]));
  const addTo = (accountRef: string, minor: bigint): void => {
    expectedBalances.set(accountRef, (expectedBalances.get(accountRef) ?? 0n) + minor);
  };
  let inFlightMinor = 0n;
  for (const payment of run.payments) {
    const state = run.states.get(payment.paymentId);
    const legs = legsByPayment.get(payment.paymentId) ?? [];
    const judgement = judgePayment(payment, state, legs);
    const outcome = state?.status ?? 'unreadable';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    switch (judgement.kind) {
      case 'settled':
        counts.settled++;
        break;
      case 'not-final':
        counts.notFinal++;
        for (const leg of legs) {
          inFlightMinor += leg.movementMinor;
          addTo(leg.accountRef, leg.movementMinor);
        }
        break;
      case 'ledger-disagrees':
        counts.ledgerDisagrees++;
        break;
      case 'moved-twice':
        counts.movedTwice++;
        break;
      default:
        assertNever(judgement);
    }
    if (judgement.kind !== 'settled' && problemExamples.length < 20) problemExamples.push({ paymentId: payment.paymentId, judgement });
    if (state?.status === 'completed') {
      addTo(payment.payerAccountRef, -payment.amountMinor);
      addTo(payment.payeeAccountRef, payment.amountMinor);
    }
  }

  let balanceMismatches = 0;
  for (const [accountRef, expected] of expectedBalances) {
    if (run.ledger.balances.get(accountRef) !== expected) balanceMismatches++;
  }

  const { before, after } = run.ledger;
  const conservationProblems: string[] = [];
  if (after.totalMinor !== 0n) conservationProblems.push(`the ledger sums to ${after.totalMinor} minor units, not 0`);
  if (after.customerTotalMinor !== before.customerTotalMinor + inFlightMinor) {
    const inFlight = inFlightMinor === 0n ? '' : `, of which ${inFlightMinor} is in flight in unfinished payments`;
    conservationProblems.push(`the customers' total changed from ${before.customerTotalMinor} to ${after.customerTotalMinor} minor units${inFlight} (also happens if someone else used the sandbox during the run)`);
  }
  if (after.unreconciledAccounts !== 0) conservationProblems.push(`${after.unreconciledAccounts} account(s) do not reconcile with their ledger entries`);
  if (balanceMismatches > 0) conservationProblems.push(`${balanceMismatches} bench account(s) hold other than their opening balance plus their payments`);
  if (run.ledger.strangerPaymentIds.length > 0) {
    conservationProblems.push(`${run.ledger.strangerPaymentIds.length} payment(s) the client never saw accepted moved money on the bench's accounts (e.g. ${run.ledger.strangerPaymentIds.slice(0, 3).join(', ')})`);
  }

  const lost = counts.notFinal + counts.ledgerDisagrees;
  const failures: string[] = [];
  if (run.payments.length === 0) failures.push('no payment was accepted');
  if (counts.notFinal > 0) failures.push(`${counts.notFinal} accepted payment(s) not final`);
  if (counts.ledgerDisagrees > 0) failures.push(`${counts.ledgerDisagrees} final payment(s) whose ledger legs disagree with their status`);
  if (counts.movedTwice > 0) failures.push(`${counts.movedTwice} payment(s) moved money twice`);
  for (const problem of conservationProblems) failures.push(`money not conserved: ${problem}`);

  const totalsJson = (totals: LedgerTotals) => ({ totalMinor: totals.totalMinor.toString(), customerTotalMinor: totals.customerTotalMinor.toString(), unreconciledAccounts: totals.unreconciledAccounts });
  return {
    accepted: run.payments.length,
    settled: counts.settled,
    outcomes,
    lost,
    notFinal: counts.notFinal,
    ledgerDisagrees: counts.ledgerDisagrees,
    movedTwice: counts.movedTwice,
    strangerPayments: run.ledger.strangerPaymentIds.length,
    balanceMismatches,
    inFlightMinor: inFlightMinor.toString(),
    ledger: { before: totalsJson(before), after: totalsJson(after) },
    conservationProblems,
    problemExamples,
    ok: failures.length === 0,
    failures,
  };
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
