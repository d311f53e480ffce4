import { Injectable } from '@nestjs/common';
import { BankLegReport, INTERNAL_OPERATIONS, MAX_LEGS_PER_RECONCILIATION, ReconcileBankLegsAnswer, ReconcileBankLegsRequest } from '@kirim/contracts';
import { InternalHttpClient } from '@kirim/platform';
import type { ExpectedLeg } from './leg-comparison';

export type BankLegStatusesResult =
  | { readonly ok: true; readonly legs: readonly BankLegReport[]; readonly unaskedLegs: readonly BankLegReport[] }
  | { readonly ok: false; readonly reason: string };

/** What the banks did with legs (port): bank-connector answers (INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS). */
export abstract class BankLegStatuses {
  abstract reportsFor(legs: readonly ExpectedLeg[]): Promise<BankLegStatusesResult>;
}

/** Asks bank-connector with payments' own service token, MAX_LEGS_PER_RECONCILIATION legs a call. */
@Injectable()
export class HttpBankLegStatuses extends BankLegStatuses {
  constructor(private readonly client: InternalHttpClient) {
    super();
  }

  async reportsFor(legs: readonly ExpectedLeg[]): Promise<BankLegStatusesResult> {
    const reports: BankLegReport[] = [];
    const unaskedLegs: BankLegReport[] = [];
    for (let start = 0; start < legs.length; start += MAX_LEGS_PER_RECONCILIATION) {
      const chunk = legs.slice(start, start + MAX_LEGS_PER_RECONCILIATION);
      const body: ReconcileBankLegsRequest = {
        legs: chunk.map((leg) => ({
          requestId: leg.requestId,
          paymentId: leg.paymentId,
          purpose: leg.purpose,
          direction: leg.direction,
          bankCode: leg.bankCode,
          accountRef: leg.accountRef,
          amount: leg.amount.toDto(),
        })),
      };
      // Longer than a user-facing call: the bank side reads two tables for up to MAX_LEGS_PER_RECONCILIATION legs and may write status requests.
      const result = await this.client.call(INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS, { body, timeoutMs: 30_000 }, ReconcileBankLegsAnswer);
      if (!result.ok) {
        return { ok: false, reason: result.kind === 'refused' ? `bank-connector refused the reconciliation (${result.status} ${result.problem.code}): ${result.problem.detail}` : result.reason };
      }
      const asked = new Set(chunk.map((leg) => leg.requestId));
      const answered = result.value.legs.filter((report) => asked.has(report.requestId));
      if (answered.length !== chunk.length) return { ok: false, reason: `bank-connector answered ${answered.length} of ${chunk.length} legs` };
      reports.push(...answered);
      unaskedLegs.push(...result.value.unaskedLegs);
    }
    return { ok: true, legs: reports, unaskedLegs };
  }
}
