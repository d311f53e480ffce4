import { Api } from '../../apps/e2e/src/support/api';
import { AcceptedPayment, judgeRun, LedgerTotals, PaymentState, RunAccount, RunVerdict } from './run-verdict';
import { LedgerReadOptions, readLedgerTotals, readRunLedger } from './sandbox-ledger-reader';

/** Reads the sandbox ledger now and judges the run against it (run-verdict.ts): bench and chaos alike. */
export async function judgeAgainstLedger(
  api: Api,
  run: { readonly accounts: readonly RunAccount[]; readonly payments: readonly AcceptedPayment[]; readonly states: ReadonlyMap<string, PaymentState>; readonly ledgerBefore: LedgerTotals },
  options: LedgerReadOptions = {},
): Promise<RunVerdict> {
  const ledger = await readRunLedger(
    run.payments,
    run.accounts.map((account) => account.accountRef),
    options,
  );
  const after = await readLedgerTotals(api, options);
  return judgeRun({ accounts: run.accounts, payments: run.payments, states: run.states, ledger: { ...ledger, before: run.ledgerBefore, after } });
}
