import { AcceptedPayment, judgePayment, judgeRun, LedgerTotals, LegKind, PaymentState, PostedLeg, RunToJudge } from './run-verdict';

const PAYER = 'acct-payer';
const PAYEE = 'acct-payee';

function payment(id: string, amountMinor = 500n): AcceptedPayment {
  return { paymentId: id, payerUserId: 'user-payer', payerAccountRef: PAYER, payeeAccountRef: PAYEE, amountMinor, acceptedAt: 1_000 };
}

function state(id: string, status: string | null): PaymentState {
  return { paymentId: id, status, ...(status === 'completed' || status === 'reversed' || status === 'debit_failed' ? { finalAt: 2_000 } : {}) };
}

let requestCounter = 0;
function leg(paymentId: string, kind: LegKind | 'other', accountRef: string, movementMinor: bigint): PostedLeg {
  return { paymentId, requestId: `req-${++requestCounter}`, kind, accountRef, movementMinor };
}

function completedLegs(id: string, amount = 500n): PostedLeg[] {
  return [leg(id, 'payment-debit', PAYER, -amount), leg(id, 'payment-credit', PAYEE, amount)];
}

describe('judgePayment: the API status against the ledger legs', () => {
  it('settles a completed payment with one debit on the payer and one credit on the payee', () => {
    expect(judgePayment(payment('p'), state('p', 'completed'), completedLegs('p'))).toEqual({ kind: 'settled', status: 'completed' });
  });

  it('settles a failed debit with nothing on the ledger, and a reversal that gave the payer the money back', () => {
    expect(judgePayment(payment('f'), state('f', 'debit_failed'), [])).toEqual({ kind: 'settled', status: 'debit_failed' });
    const reversed = [leg('r', 'payment-debit', PAYER, -500n), leg('r', 'reversal-credit', PAYER, 500n)];
    expect(judgePayment(payment('r'), state('r', 'reversed'), reversed)).toEqual({ kind: 'settled', status: 'reversed' });
  });

  it('calls a payment that is not final (or could not be read) not final', () => {
    expect(judgePayment(payment('p'), state('p', 'credit_pending'), [leg('p', 'payment-debit', PAYER, -500n)])).toEqual({ kind: 'not-final', status: 'credit_pending' });
    expect(judgePayment(payment('p'), state('p', null), [])).toEqual({ kind: 'not-final', status: null });
    expect(judgePayment(payment('p'), undefined, [])).toEqual({ kind: 'not-final', status: null });
  });

  it('finds the ledger disagreeing when the payer was debited and the payee never credited', () => {
    const judgement = judgePayment(payment('p'), state('p', 'completed'), [leg('p', 'payment-debit', PAYER, -500n)]);
    expect(judgement).toMatchObject({ kind: 'ledger-disagrees', status: 'completed' });
    expect(judgement.kind === 'ledger-disagrees' && judgement.detail).toContain('missing payment-credit +500 on payee');
  });

  it('finds the ledger disagreeing when a failed debit moved money, or a leg went to the wrong account', () => {
    expect(judgePayment(payment('f'), state('f', 'debit_failed'), [leg('f', 'payment-debit', PAYER, -500n)])).toMatchObject({ kind: 'ledger-disagrees' });
    const wrongAccount = [leg('p', 'payment-debit', PAYER, -500n), leg('p', 'payment-credit', 'acct-someone-else', 500n)];
    const judgement = judgePayment(payment('p'), state('p', 'completed'), wrongAccount);
    expect(judgement.kind === 'ledger-disagrees' && judgement.detail).toContain('unexplained payment-credit +500 on account acct-someone-else');
  });

  it('finds the ledger disagreeing when a reversed payment was also credited to the payee', () => {
    const legs = [...completedLegs('r'), leg('r', 'reversal-credit', PAYER, 500n)];
    expect(judgePayment(payment('r'), state('r', 'reversed'), legs)).toMatchObject({ kind: 'ledger-disagrees' });
  });

  it('calls two approved legs of one kind moved twice, whatever the status says', () => {
    const debitedTwice = [...completedLegs('p'), leg('p', 'payment-debit', PAYER, -500n)];
    expect(judgePayment(payment('p'), state('p', 'completed'), debitedTwice)).toMatchObject({ kind: 'moved-twice', status: 'completed' });
    const creditedTwice = [...completedLegs('q'), leg('q', 'payment-credit', PAYEE, 500n)];
    expect(judgePayment(payment('q'), state('q', 'credit_pending'), creditedTwice)).toMatchObject({ kind: 'moved-twice', status: 'credit_pending' });
  });

  it('calls one leg moving more than the amount moved twice', () => {
    const legs = [leg('p', 'payment-debit', PAYER, -1000n), leg('p', 'payment-credit', PAYEE, 1000n)];
    expect(judgePayment(payment('p', 500n), state('p', 'completed'), legs)).toMatchObject({ kind: 'moved-twice' });
  });
});

describe('judgeRun: the whole run', () => {
  const totals = (totalMinor: bigint, customerTotalMinor: bigint, unreconciledAccounts = 0): LedgerTotals => ({ totalMinor, customerTotalMinor, unreconciledAccounts });

  function run(overrides: Partial<RunToJudge> & { legs?: PostedLeg[]; balances?: Map<string, bigint>; after?: LedgerTotals; strangers?: string[] } = {}): RunToJudge {
    const payments = overrides.payments ?? [payment('a', 500n), payment('b', 300n), payment('c', 200n)];
    const states = overrides.states ?? new Map([
      ['a', state('a', 'completed')],
      ['b', state('b', 'completed')],
      ['c', state('c', 'debit_failed')],
    ]);
    return {
      accounts: [
        { accountRef: PAYER, openingMinor: 10_000n },
        { accountRef: PAYEE, openingMinor: 0n },
      ],
      payments,
      states,
      ledger: {
        legs: overrides.legs ?? [...completedLegs('a', 500n), ...completedLegs('b', 300n)],
        strangerPaymentIds: overrides.strangers ?? [],
        balances: overrides.balances ?? new Map([
          [PAYER, 9_200n],
          [PAYEE, 800n],
        ]),
        before: totals(0n, 10_000n),
        after: overrides.after ?? totals(0n, 10_000n),
      },
    };
  }

  it('passes a run where every payment settled and money was conserved', () => {
    const verdict = judgeRun(run());
    expect(verdict).toMatchObject({ ok: true, accepted: 3, settled: 3, lost: 0, movedTwice: 0, balanceMismatches: 0, failures: [] });
    expect(verdict.outcomes).toEqual({ completed: 2, debit_failed: 1 });
    expect(verdict.ledger).toEqual({ before: { totalMinor: '0', customerTotalMinor: '10000', unreconciledAccounts: 0 }, after: { totalMinor: '0', customerTotalMinor: '10000', unreconciledAccounts: 0 } });
  });

  it('counts not-final and disagreeing payments as lost, and fails', () => {
    const states = new Map([
      ['a', state('a', 'completed')],
      ['b', state('b', 'debit_pending')],
      ['c', state('c', 'completed')],
    ]);
    const verdict = judgeRun(run({ states, legs: [...completedLegs('a', 500n), leg('c', 'payment-debit', PAYER, -200n)], balances: new Map([[PAYER, 9_300n], [PAYEE, 500n]]) }));
    expect(verdict).toMatchObject({ ok: false, lost: 2, notFinal: 1, ledgerDisagrees: 1, movedTwice: 0 });
    expect(verdict.problemExamples.map((example) => example.paymentId)).toEqual(['b', 'c']);
    expect(verdict.failures).toEqual(expect.arrayContaining(['1 accepted payment(s) not final', '1 final payment(s) whose ledger legs disagree with their status']));
  });

  it('counts money held by unfinished payments as in flight, not as money not conserved', () => {
    const states = new Map([
      ['a', state('a', 'completed')],
      ['b', state('b', 'credit_pending')],
      ['c', state('c', 'debit_failed')],
    ]);
    const verdict = judgeRun(run({
      states,
      legs: [...completedLegs('a', 500n), leg('b', 'payment-debit', PAYER, -300n)],
      balances: new Map([[PAYER, 9_200n], [PAYEE, 500n]]),
      after: totals(0n, 9_700n),
    }));
    expect(verdict).toMatchObject({ ok: false, notFinal: 1, lost: 1, inFlightMinor: '-300', balanceMismatches: 0, conservationProblems: [] });
    expect(verdict.failures).toEqual(['1 accepted payment(s) not final']);
  });

  it('fails a run with a payment moved twice even when the totals balance', () => {
    const verdict = judgeRun(run({ legs: [...completedLegs('a', 500n), ...completedLegs('b', 300n), leg('b', 'payment-credit', PAYEE, 300n)] }));
    expect(verdict).toMatchObject({ ok: false, movedTwice: 1, lost: 0 });
  });

  it('fails when money is not conserved: ledger not zero, customers total changed, accounts unreconciled, balances off, strangers', () => {
    const verdict = judgeRun(run({ after: totals(5n, 9_000n, 2), balances: new Map([[PAYER, 9_100n], [PAYEE, 800n]]), strangers: ['x'] }));
    expect(verdict.ok).toBe(false);
    expect(verdict.balanceMismatches).toBe(1);
    expect(verdict.strangerPayments).toBe(1);
    expect(verdict.conservationProblems).toHaveLength(5);
  });

  it('fails a run in which nothing was accepted', () => {
    const verdict = judgeRun(run({ payments: [], states: new Map(), legs: [], balances: new Map([[PAYER, 10_000n], [PAYEE, 0n]]) }));
    expect(verdict).toMatchObject({ ok: false, failures: ['no payment was accepted'] });
  });
});
