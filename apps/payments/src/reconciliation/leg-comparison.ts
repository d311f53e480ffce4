import { BankLegDirection, BankLegReport, BankLegState, LegPurpose, Money, PaymentStatus } from '@kirim/contracts';

/** A payment as reconciliation reads it: its state and the legs it sent. */
export interface ReconciledPayment {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  readonly amount: Money;
  readonly payer: { readonly bankCode: string; readonly accountRef: string };
  readonly payee: { readonly bankCode: string; readonly accountRef: string };
  readonly debitRequestId: string | null;
  readonly creditRequestId: string | null;
  readonly reversalRequestId: string | null;
  /** The purpose the payment's debit and credit carried to the banks: `refund` for a refund, else `payment`. */
  readonly legPurpose: Exclude<LegPurpose, 'reversal'>;
  readonly updatedAt: Date;
}

export type LegName = 'debit' | 'credit' | 'reversal';

/** What the payment counts for a leg: the money moved, it did not, or the payment still waits for the answer. */
export type LegExpectation = 'applied' | 'not-applied' | 'pending';

/** A leg the payment sent, and what it counts for it: what to ask the bank about. */
export interface ExpectedLeg {
  readonly leg: LegName;
  readonly requestId: string;
  readonly paymentId: string;
  readonly purpose: LegPurpose;
  readonly direction: BankLegDirection;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amount: Money;
  readonly expectation: LegExpectation;
}

/**
 * The kinds of disagreement, each an alert:
 * - `bank-applied-not-counted`: the bank moved money for a leg the payment counts as not done (or
 *   never sent under that request id);
 * - `counted-not-applied`: the payment counts a leg as done that the bank declined or has no record of;
 * - `amount-differs`: both say the leg was done, for different amounts;
 * - `leg-differs`: both say the leg was done, in another direction or on another account;
 * - `leg-unknown`: the bank cannot say yet (a partner bank that has not answered; asked again);
 * - `pending-leg-stuck`: the payment still waits for a leg the bank has answered or never received.
 */
export const MISMATCH_KINDS = ['bank-applied-not-counted', 'counted-not-applied', 'amount-differs', 'leg-differs', 'leg-unknown', 'pending-leg-stuck'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface MismatchFinding {
  readonly paymentId: string;
  readonly paymentStatus: PaymentStatus;
  /** `unexpected`: a leg the bank recorded for the payment that the payment does not know. */
  readonly leg: LegName | 'unexpected';
  readonly requestId: string;
  readonly kind: MismatchKind;
  /** Null for an unexpected leg. */
  readonly expected: LegExpectation | null;
  readonly bankState: BankLegState;
  readonly expectedAmount: Money | null;
  readonly bankAmount: Money | null;
  /** For operators: identifiers, states and amounts only. */
  readonly detail: string;
}

type Expectations = Readonly<Record<LegName, LegExpectation | null>>;

/**
 * What each state of the payment counts for its legs (docs/payment-lifecycle.md): a debit is done
 * from `debited` on, a credit only in `completed`, a reversal only in `reversed`. A deemed outcome
 * (a leg that never got an answer, counted as failed) is counted like a decline: if the bank did
 * apply it, this is where it shows.
 */
export function legExpectations(status: PaymentStatus): Expectations {
  switch (status) {
    case 'created':
      return { debit: null, credit: null, reversal: null };
    case 'debit_pending':
      return { debit: 'pending', credit: null, reversal: null };
    case 'debited':
      return { debit: 'applied', credit: null, reversal: null };
    case 'debit_failed':
      return { debit: 'not-applied', credit: null, reversal: null };
    case 'credit_pending':
      return { debit: 'applied', credit: 'pending', reversal: null };
    case 'completed':
      return { debit: 'applied', credit: 'applied', reversal: null };
    case 'credit_failed':
      return { debit: 'applied', credit: 'not-applied', reversal: null };
    case 'reversal_pending':
      return { debit: 'applied', credit: 'not-applied', reversal: 'pending' };
    case 'reversal_failed':
      return { debit: 'applied', credit: 'not-applied', reversal: 'not-applied' };
    case 'reversed':
      return { debit: 'applied', credit: 'not-applied', reversal: 'applied' };
    default: {
      const unknown: never = status;
      throw new Error(`reconciliation does not know payment status ${String(unknown)}`);
    }
  }
}

/** The legs of a payment that have a request id, with what the payment counts for each. */
export function expectedLegsOf(payment: ReconciledPayment): ExpectedLeg[] {
  const expectations = legExpectations(payment.status);
  const legs: ExpectedLeg[] = [];
  const add = (leg: LegName, requestId: string | null, purpose: LegPurpose, direction: BankLegDirection, account: ReconciledPayment['payer']): void => {
    const expectation = expectations[leg];
    if (requestId === null || expectation === null) return;
    legs.push({ leg, requestId, paymentId: payment.paymentId, purpose, direction, bankCode: account.bankCode, accountRef: account.accountRef, amount: payment.amount, expectation });
  };
  add('debit', payment.debitRequestId, payment.legPurpose, 'debit', payment.payer);
  add('credit', payment.creditRequestId, payment.legPurpose, 'credit', payment.payee);
  // A reversal credits the money back to the payer's account.
  add('reversal', payment.reversalRequestId, 'reversal', 'credit', payment.payer);
  return legs;
}

/** The bank's report of one leg against what the payment counts; null when they agree. */
export function compareLeg(payment: ReconciledPayment, expected: ExpectedLeg, report: BankLegReport): MismatchFinding | null {
  const bankAmount = amountOf(report);
  const finding = (kind: MismatchKind, detail: string): MismatchFinding => ({
    paymentId: payment.paymentId,
    paymentStatus: payment.status,
    leg: expected.leg,
    requestId: expected.requestId,
    kind,
    expected: expected.expectation,
    bankState: report.state,
    expectedAmount: expected.amount,
    bankAmount,
    detail: `${expected.leg} ${expected.requestId} at ${expected.bankCode}: payment ${payment.status} counts it ${expected.expectation}; ${detail}`,
  });
  const bankSays = describeReport(report);

  if (report.state === 'unknown') return finding('leg-unknown', `${bankSays}${report.statusRequested ? '; a status request was sent' : ''}`);
  if (expected.expectation === 'pending') return finding('pending-leg-stuck', bankSays);
  if (expected.expectation === 'not-applied') return report.state === 'applied' ? finding('bank-applied-not-counted', bankSays) : null;
  // The payment counts the leg as done.
  if (report.state !== 'applied') return finding('counted-not-applied', bankSays);
  const recorded = report.recorded;
  if (!recorded || bankAmount === null) return finding('counted-not-applied', 'the bank reports it applied without saying what moved');
  if (bankAmount.currency !== expected.amount.currency || bankAmount.minorUnits !== expected.amount.minorUnits) {
    return finding('amount-differs', `the bank moved ${bankAmount.toString()}, the payment counts ${expected.amount.toString()}`);
  }
  const differs = [
    recorded.direction !== expected.direction ? `direction (${recorded.direction})` : null,
    recorded.accountRef !== expected.accountRef ? 'account' : null,
    recorded.bankCode !== expected.bankCode ? `bank (${recorded.bankCode})` : null,
  ].filter((part): part is string => part !== null);
  return differs.length > 0 ? finding('leg-differs', `the bank applied it with another ${differs.join(', ')}`) : null;
}

/** A leg the bank recorded for the payment under a request id the payment does not hold; null when no money moved. */
export function compareUnaskedLeg(payment: ReconciledPayment, report: BankLegReport): MismatchFinding | null {
  if (report.state !== 'applied' && report.state !== 'unknown') return null;
  const bankAmount = amountOf(report);
  return {
    paymentId: payment.paymentId,
    paymentStatus: payment.status,
    leg: 'unexpected',
    requestId: report.requestId,
    kind: report.state === 'applied' ? 'bank-applied-not-counted' : 'leg-unknown',
    expected: null,
    bankState: report.state,
    expectedAmount: null,
    bankAmount,
    detail: `leg ${report.requestId} is not one of payment ${payment.paymentId}'s (${payment.status}); ${describeReport(report)}`,
  };
}

/**
 * The legs a run asks the banks about. A leg the payment still waits for is left out while the
 * payment moved within `pendingGraceMs`: its status checks are still running (UPI's go on for two
 * hours, then a settle time), and a reconciliation would only re-send what they re-send.
 */
export function legsToAsk(payments: readonly ReconciledPayment[], now: Date, pendingGraceMs: number): ExpectedLeg[] {
  const settledBefore = now.getTime() - pendingGraceMs;
  return payments.flatMap((payment) => expectedLegsOf(payment).filter((leg) => leg.expectation !== 'pending' || payment.updatedAt.getTime() < settledBefore));
}

/**
 * Compares the legs asked with the banks' reports. A leg with no report at all (bank-connector left
 * it out) is reported unknown rather than assumed either way. A leg the bank recorded for a payment
 * under a request id none of the payment's legs has is judged on its own (compareUnaskedLeg).
 */
export function findMismatches(payments: readonly ReconciledPayment[], asked: readonly ExpectedLeg[], reports: readonly BankLegReport[], unasked: readonly BankLegReport[]): MismatchFinding[] {
  const byRequestId = new Map(reports.map((report) => [report.requestId, report]));
  const paymentsById = new Map(payments.map((payment) => [payment.paymentId, payment]));
  // Every leg of every payment, asked or not: a pending leg left out is still the payment's own.
  const known = new Set(payments.flatMap((payment) => [payment.debitRequestId, payment.creditRequestId, payment.reversalRequestId]).filter((id): id is string => id !== null));
  const findings: MismatchFinding[] = [];
  for (const expected of asked) {
    const payment = paymentsById.get(expected.paymentId);
    if (!payment) continue;
    const report = byRequestId.get(expected.requestId) ?? { requestId: expected.requestId, paymentId: payment.paymentId, state: 'unknown', source: 'none', statusRequested: false };
    const finding = compareLeg(payment, expected, report);
    if (finding) findings.push(finding);
  }
  for (const report of unasked) {
    const payment = paymentsById.get(report.paymentId);
    if (!payment || known.has(report.requestId)) continue;
    const finding = compareUnaskedLeg(payment, report);
    if (finding) findings.push(finding);
  }
  return findings;
}

function amountOf(report: BankLegReport): Money | null {
  if (!report.recorded) return null;
  const amount = Money.parse(report.recorded.amount);
  return Money.isError(amount) ? null : amount;
}

function describeReport(report: BankLegReport): string {
  switch (report.state) {
    case 'applied':
      return `the bank applied it (${report.source}${report.recorded ? `, ${report.recorded.direction} ${report.recorded.amount.value} ${report.recorded.amount.currency}` : ''})`;
    case 'declined':
      return `the bank declined it (${report.resultCode ?? 'no code'})`;
    case 'not-found':
      return 'no bank has a record of it';
    case 'unknown':
      return `the bank has not said (${report.source})`;
    default: {
      const unknown: never = report.state;
      return String(unknown);
    }
  }
}
