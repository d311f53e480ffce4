import { Injectable, Logger } from '@nestjs/common';
import { BankLegReport, BankLegState, LegPurpose, MAX_LEGS_PER_RECONCILIATION, Money, RecordedBankLeg, RESULT_CODES } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import type { LegDirection } from '../../bank-legs/bank-adapter.port';
import type { PartnerLeg } from '../../partner-banks/partner-leg';
import { BankLegRecords, SandboxLegRecord } from '../bank-leg-records.repository';
import { PartnerStatusRequests } from '../partner-status-requests';

/** A leg payments asks about, the amount parsed. */
export interface LegToReconcile {
  readonly requestId: string;
  readonly paymentId: string;
  readonly purpose: LegPurpose;
  readonly direction: LegDirection;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amount: Money;
}

export interface ReconcileBankLegsCommand {
  readonly legs: readonly LegToReconcile[];
}

export interface BankLegsReconciled {
  /** One per leg asked, in the order asked. */
  readonly legs: BankLegReport[];
  /** Legs recorded for the same payments that were not asked about (at most MAX_LEGS_PER_RECONCILIATION). */
  readonly unaskedLegs: BankLegReport[];
}

/**
 * What the banks did with payments' legs (INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS): the sandbox
 * banks straight from their ledger (the entries of the leg's posting: what really moved), partner
 * banks from the answers bank-connector recorded. A partner leg not answered yet is asked about
 * again now (a status request: the original request re-sent, same request id, no PIN) and reported
 * `unknown`; its answer, when it comes, is recorded like any other and seen by the next run.
 *
 * It compares nothing: payments knows what each payment counts and judges the difference.
 */
@Injectable()
export class ReconcileBankLegs {
  private readonly logger = new Logger(ReconcileBankLegs.name);

  constructor(
    private readonly records: BankLegRecords,
    private readonly statusRequests: PartnerStatusRequests,
    private readonly transactions: TransactionRunner,
  ) {}

  async execute({ legs }: ReconcileBankLegsCommand): Promise<BankLegsReconciled> {
    if (legs.length > MAX_LEGS_PER_RECONCILIATION) throw new Error(`at most ${MAX_LEGS_PER_RECONCILIATION} legs per reconciliation, got ${legs.length}`);
    const requestIds = legs.map((leg) => leg.requestId);
    const paymentIds = [...new Set(legs.map((leg) => leg.paymentId))];
    // Room for every leg asked and as many unasked ones.
    const limit = 2 * MAX_LEGS_PER_RECONCILIATION;
    const [sandbox, partner] = await Promise.all([this.records.sandboxLegs(requestIds, paymentIds, limit), this.records.partnerLegs(requestIds, paymentIds, limit)]);
    const sandboxById = new Map(sandbox.map((record) => [record.requestId, record]));
    const partnerById = new Map(partner.map((record) => [record.requestId, record]));

    const reports = new Map<string, BankLegReport>();
    const unanswered: PartnerLeg[] = [];
    for (const leg of legs) {
      const ledger = sandboxById.get(leg.requestId);
      const forwarded = partnerById.get(leg.requestId);
      if (ledger) reports.set(leg.requestId, sandboxReport(ledger));
      else if (forwarded?.answer === null) unanswered.push(forwarded);
      else if (forwarded) reports.set(leg.requestId, partnerReport(forwarded));
      else reports.set(leg.requestId, { requestId: leg.requestId, paymentId: leg.paymentId, state: 'not-found', source: 'none', statusRequested: false });
    }
    if (unanswered.length > 0) {
      for (const report of await this.requestStatuses(unanswered)) reports.set(report.requestId, report);
    }

    const asked = new Set(requestIds);
    const unaskedLegs = [
      ...sandbox.filter((record) => !asked.has(record.requestId)).map(sandboxReport),
      ...partner.filter((record) => !asked.has(record.requestId)).map(partnerReport),
    ].slice(0, MAX_LEGS_PER_RECONCILIATION);
    const answered = legs.map((leg) => reports.get(leg.requestId) as BankLegReport);
    this.logger.log(
      { legs: legs.length, unasked: unaskedLegs.length, statusRequests: answered.filter((report) => report.statusRequested).length },
      'bank legs reconciled',
    );
    return { legs: answered, unaskedLegs };
  }

  /** One transaction for every status request: they are written to the outbox together. */
  private requestStatuses(legs: readonly PartnerLeg[]): Promise<BankLegReport[]> {
    return this.transactions.run(async (tx) => {
      const reports: BankLegReport[] = [];
      for (const leg of legs) {
        const outcome = await this.statusRequests.requestStatus(tx, leg);
        switch (outcome.kind) {
          case 'forwarded':
            reports.push({ ...base(leg, 'unknown', 'partner-unanswered'), recorded: recordedOf(leg, leg.direction, leg.amount), statusRequested: true });
            break;
          // The bank answered between the read and the lock: its answer, as recorded.
          case 'approved':
            reports.push({ ...partnerReport({ ...leg, answer: { approved: true, rrn: outcome.rrn } }) });
            break;
          case 'declined':
            reports.push({ ...partnerReport({ ...leg, answer: { approved: false, resultCode: outcome.resultCode, reason: outcome.reason } }) });
            break;
          case 'refused':
            // Cannot happen for a leg re-sent from its own record; reported, not sent.
            this.logger.error({ requestId: leg.requestId, reason: outcome.reason }, 'status request refused');
            reports.push({ ...base(leg, 'unknown', 'partner-unanswered'), recorded: recordedOf(leg, leg.direction, leg.amount), statusRequested: false });
            break;
          default: {
            const unhandled: never = outcome;
            throw new Error(`unhandled bank leg outcome ${JSON.stringify(unhandled)}`);
          }
        }
      }
      return reports;
    });
  }
}

function base(leg: { readonly requestId: string; readonly paymentId: string }, state: BankLegState, source: BankLegReport['source']): BankLegReport {
  return { requestId: leg.requestId, paymentId: leg.paymentId, state, source, statusRequested: false };
}

function recordedOf(leg: { readonly purpose: LegPurpose; readonly bankCode: string; readonly accountRef: string }, direction: LegDirection, amount: Money): RecordedBankLeg {
  return { purpose: leg.purpose, direction, bankCode: leg.bankCode, accountRef: leg.accountRef, amount: amount.toDto() };
}

/** From the ledger: an approved leg reports what its entries moved on the customer's account, whatever the posting says. */
export function sandboxReport(record: SandboxLegRecord): BankLegReport {
  if (record.resultCode !== RESULT_CODES.SUCCESS) {
    return { ...base(record, 'declined', 'sandbox-ledger'), recorded: recordedOf(record, record.direction, record.amount), resultCode: record.resultCode };
  }
  const moved = record.movedMinor;
  const direction: LegDirection = moved < 0n ? 'debit' : moved > 0n ? 'credit' : record.direction;
  const amount = Money.ofMinor(moved < 0n ? -moved : moved, record.amount.currency);
  return {
    ...base(record, 'applied', 'sandbox-ledger'),
    recorded: recordedOf(record, direction, amount),
    resultCode: RESULT_CODES.SUCCESS,
    ...(record.rrn !== null ? { rrn: record.rrn } : {}),
  };
}

export function partnerReport(leg: PartnerLeg): BankLegReport {
  const recorded = recordedOf(leg, leg.direction, leg.amount);
  if (leg.answer === null) return { ...base(leg, 'unknown', 'partner-unanswered'), recorded };
  if (leg.answer.approved) return { ...base(leg, 'applied', 'partner-answer'), recorded, resultCode: RESULT_CODES.SUCCESS, rrn: leg.answer.rrn };
  return { ...base(leg, 'declined', 'partner-answer'), recorded, resultCode: leg.answer.resultCode };
}
