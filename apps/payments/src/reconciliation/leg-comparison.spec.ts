import { BankLegReport, Money, PAYMENT_STATUSES } from '@kirim/contracts';
import { compareLeg, expectedLegsOf, findMismatches as findMismatchesOf, legExpectations, legsToAsk, ReconciledPayment } from './leg-comparison';

const PAYER = { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' };
const PAYEE = { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' };
const DEBIT = '11111111-1111-4111-8111-111111111111';
const CREDIT = '22222222-2222-4222-8222-222222222222';
const REVERSAL = '33333333-3333-4333-8333-333333333333';
const PAYMENT = '44444444-4444-4444-8444-444444444444';

function payment(overrides: Partial<ReconciledPayment> = {}): ReconciledPayment {
  return {
    paymentId: PAYMENT,
    status: 'completed',
    amount: Money.ofMinor(50_000n, 'INR'),
    payer: PAYER,
    payee: PAYEE,
    debitRequestId: DEBIT,
    creditRequestId: CREDIT,
    reversalRequestId: null,
    legPurpose: 'payment',
    updatedAt: new Date('2026-11-28T06:00:00.000Z'),
    ...overrides,
  };
}

const NOW = new Date('2026-11-28T10:00:00.000Z');
const HOUR = 3_600_000;

/** Every leg of the payments asked, as a run past every grace period asks them. */
const findMismatches = (payments: ReconciledPayment[], reports: BankLegReport[], unasked: BankLegReport[]) => findMismatchesOf(payments, legsToAsk(payments, NOW, 0), reports, unasked);

function applied(requestId: string, direction: 'debit' | 'credit', account: typeof PAYER, value = '500.00', purpose: 'payment' | 'reversal' = 'payment'): BankLegReport {
  return {
    requestId,
    paymentId: PAYMENT,
    state: 'applied',
    source: 'sandbox-ledger',
    recorded: { purpose, direction, bankCode: account.bankCode, accountRef: account.accountRef, amount: { value, currency: 'INR' } },
    resultCode: '00',
    statusRequested: false,
  };
}

const declined = (requestId: string): BankLegReport => ({ requestId, paymentId: PAYMENT, state: 'declined', source: 'sandbox-ledger', resultCode: 'Z9', statusRequested: false });
const notFound = (requestId: string): BankLegReport => ({ requestId, paymentId: PAYMENT, state: 'not-found', source: 'none', statusRequested: false });
const unknown = (requestId: string): BankLegReport => ({ requestId, paymentId: PAYMENT, state: 'unknown', source: 'partner-unanswered', statusRequested: true });

describe('what a payment counts for its legs', () => {
  it('knows every payment status', () => {
    for (const status of PAYMENT_STATUSES) expect(() => legExpectations(status)).not.toThrow();
  });

  it('asks about the legs the payment sent: the reversal is a credit back to the payer', () => {
    const legs = expectedLegsOf(payment({ status: 'reversed', reversalRequestId: REVERSAL }));
    expect(legs.map((leg) => [leg.leg, leg.direction, leg.purpose, leg.accountRef, leg.expectation])).toEqual([
      ['debit', 'debit', 'payment', PAYER.accountRef, 'applied'],
      ['credit', 'credit', 'payment', PAYEE.accountRef, 'not-applied'],
      ['reversal', 'credit', 'reversal', PAYER.accountRef, 'applied'],
    ]);
    expect(expectedLegsOf(payment({ status: 'debit_pending', creditRequestId: null })).map((leg) => [leg.leg, leg.expectation])).toEqual([['debit', 'pending']]);
  });

  it("asks about a refund's debit and credit as refund legs, as they were sent, and its reversal as a reversal", () => {
    const legs = expectedLegsOf(payment({ status: 'reversed', reversalRequestId: REVERSAL, legPurpose: 'refund' }));
    expect(legs.map((leg) => [leg.leg, leg.purpose])).toEqual([
      ['debit', 'refund'],
      ['credit', 'refund'],
      ['reversal', 'reversal'],
    ]);
  });
});

describe('which legs a run asks about', () => {
  it('leaves out a leg the payment still waits for while its status checks may be running, and no settled leg', () => {
    const waiting = payment({ status: 'credit_pending', updatedAt: new Date(NOW.getTime() - HOUR) });
    expect(legsToAsk([waiting], NOW, 3 * HOUR).map((leg) => leg.leg)).toEqual(['debit']);
    expect(legsToAsk([waiting], NOW, HOUR / 2).map((leg) => leg.leg)).toEqual(['debit', 'credit']);
  });

  it('does not take the bank\'s record of a leg left out for one the payment does not know', () => {
    const waiting = payment({ status: 'credit_pending', updatedAt: new Date(NOW.getTime() - HOUR) });
    const asked = legsToAsk([waiting], NOW, 3 * HOUR);
    expect(findMismatchesOf([waiting], asked, [applied(DEBIT, 'debit', PAYER)], [applied(CREDIT, 'credit', PAYEE)])).toEqual([]);
  });
});

describe('comparing with the banks', () => {
  it('finds no mismatch when the banks did what a completed payment counts', () => {
    expect(findMismatches([payment()], [applied(DEBIT, 'debit', PAYER), applied(CREDIT, 'credit', PAYEE)], [])).toEqual([]);
  });

  it('finds no mismatch for a reversed payment whose credit was declined and whose reversal came back', () => {
    const reversed = payment({ status: 'reversed', reversalRequestId: REVERSAL });
    expect(findMismatches([reversed], [applied(DEBIT, 'debit', PAYER), declined(CREDIT), applied(REVERSAL, 'credit', PAYER, '500.00', 'reversal')], [])).toEqual([]);
  });

  it.each([
    ['a credit the bank applied for a payment that counts it failed', payment({ status: 'credit_failed' }), applied(CREDIT, 'credit', PAYEE), 'bank-applied-not-counted'],
    ['a debit deemed failed that the bank did apply', payment({ status: 'debit_failed', creditRequestId: null }), applied(DEBIT, 'debit', PAYER), 'bank-applied-not-counted'],
    ['a credit the payment counts that the bank has no record of', payment(), notFound(CREDIT), 'counted-not-applied'],
    ['a credit the payment counts that the bank declined', payment(), declined(CREDIT), 'counted-not-applied'],
    ['a credit applied for another amount', payment(), applied(CREDIT, 'credit', PAYEE, '400.00'), 'amount-differs'],
    ['a credit applied to another account', payment(), applied(CREDIT, 'credit', PAYER), 'leg-differs'],
    ['a leg a partner bank has not answered', payment(), unknown(CREDIT), 'leg-unknown'],
    ['a pending credit the bank answered long ago', payment({ status: 'credit_pending' }), applied(CREDIT, 'credit', PAYEE), 'pending-leg-stuck'],
  ])('reports %s', (_label, reconciled, report, kind) => {
    const expected = expectedLegsOf(reconciled).find((leg) => leg.requestId === report.requestId);
    if (!expected) throw new Error('no such leg');
    expect(compareLeg(reconciled, expected, report)).toMatchObject({ kind, paymentId: PAYMENT, requestId: report.requestId, bankState: report.state });
  });

  it('reports an applied leg the payment does not know, and not a declined one', () => {
    const stray = '55555555-5555-4555-8555-555555555555';
    const findings = findMismatches(
      [payment()],
      [applied(DEBIT, 'debit', PAYER), applied(CREDIT, 'credit', PAYEE)],
      [applied(stray, 'credit', PAYER, '500.00', 'reversal'), declined('66666666-6666-4666-8666-666666666666')],
    );
    expect(findings).toEqual([
      expect.objectContaining({ leg: 'unexpected', requestId: stray, kind: 'bank-applied-not-counted', expected: null, bankAmount: Money.ofMinor(50_000n, 'INR') }),
    ]);
  });

  it('treats a leg bank-connector left out of its answer as unknown, never as agreeing', () => {
    expect(findMismatches([payment()], [applied(DEBIT, 'debit', PAYER)], [])).toEqual([expect.objectContaining({ requestId: CREDIT, kind: 'leg-unknown' })]);
  });

  it('says in the detail what each side counts, with identifiers and amounts only', () => {
    const [finding] = findMismatches([payment({ status: 'credit_failed' })], [applied(DEBIT, 'debit', PAYER), applied(CREDIT, 'credit', PAYEE)], []);
    expect(finding.detail).toBe(`credit ${CREDIT} at SBXB: payment credit_failed counts it not-applied; the bank applied it (sandbox-ledger, credit 500.00 INR)`);
  });
});
