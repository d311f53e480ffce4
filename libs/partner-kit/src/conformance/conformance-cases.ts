/** The cases of a conformance run, in the order they run and are reported. Ids are stable: scripts may name them. */
export const CONFORMANCE_CASES = [
  { id: 'lookup', title: 'account lookup finds the test account (masked number, holder name encrypted for kirim)' },
  { id: 'credit', title: 'credit 100.00 succeeds' },
  { id: 'debit', title: 'debit 60.00 with the right UPI PIN succeeds' },
  { id: 'debit-repeat', title: 'the same debit requestId again, as a status check (no PIN), gets the identical answer' },
  { id: 'debit-rest', title: 'debit 40.00 succeeds' },
  { id: 'debit-insufficient', title: 'debit 0.01 of the emptied account is declined Z9' },
  { id: 'debit-no-pin', title: 'a debit without a PIN block, never received before, is declined U30' },
  { id: 'debit-pin-other-amount', title: 'a debit of 0.01 with a PIN block given for 1.00 is declined U12' },
  { id: 'debit-pin-replayed', title: "the first debit's PIN block again, on a new debit of 60.00, is declined U14" },
  { id: 'debit-pin-stale', title: 'a PIN block typed 10 minutes ago is declined U14' },
  { id: 'debit-wrong-pin', title: 'a wrong UPI PIN is declined ZM' },
  { id: 'debit-pin-tries-exceeded', title: 'after three wrong PINs even the right one is declined Z6' },
  { id: 'debit-unknown-account', title: 'debit of an unknown account is declined XH' },
  { id: 'credit-unknown-account', title: 'credit of an unknown account is declined XI' },
  { id: 'refuse-reused-request-id', title: 'no answer: the debit requestId reused with another amount' },
  { id: 'refuse-unsigned', title: 'no answer: an unsigned request' },
  { id: 'refuse-untrusted-key', title: 'no answer: a request signed by a key the bank does not trust' },
  { id: 'refuse-stale', title: 'no answer: a request whose ce_time is older than the freshness window' },
  { id: 'refuse-altered', title: 'no answer: a signed request altered after signing' },
] as const;

export type ConformanceCaseId = (typeof CONFORMANCE_CASES)[number]['id'];

export interface CaseResult {
  readonly id: ConformanceCaseId;
  readonly title: string;
  readonly passed: boolean;
  /** Why it passed or failed, in one line: what was measured, never a secret or an account number. */
  readonly detail: string;
  /** Time from sending the request to receiving its answer, when one came. */
  readonly answerMs?: number;
}

export interface ConformanceReport {
  readonly bankCode: string;
  readonly requestTopic: string;
  readonly responseTopic: string;
  readonly cases: readonly CaseResult[];
  readonly passed: boolean;
  readonly failed: readonly ConformanceCaseId[];
  readonly durationMs: number;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The pass/fail table, one row per case, then a summary line naming any failed cases. */
export function formatConformanceReport(report: ConformanceReport): string {
  const idWidth = Math.max(...report.cases.map((result) => result.id.length), 4);
  const lines = [
    `kirim partner conformance: bank ${report.bankCode}, requests on ${report.requestTopic}, answers on ${report.responseTopic}`,
    '',
    `${pad('case', idWidth)}  result  answer    detail`,
    `${'-'.repeat(idWidth)}  ------  --------  ${'-'.repeat(40)}`,
  ];
  for (const result of report.cases) {
    const answer = result.answerMs === undefined ? '-' : `${Math.round(result.answerMs)} ms`;
    lines.push(`${pad(result.id, idWidth)}  ${pad(result.passed ? 'PASS' : 'FAIL', 6)}  ${pad(answer, 8)}  ${result.title}: ${result.detail}`);
  }
  const passedCount = report.cases.filter((result) => result.passed).length;
  lines.push('');
  lines.push(`${passedCount} passed, ${report.cases.length - passedCount} failed in ${(report.durationMs / 1000).toFixed(1)} s`);
  if (!report.passed) lines.push(`FAILED: ${report.failed.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
