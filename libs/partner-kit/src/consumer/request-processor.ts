import { traceIdOfTraceparent } from '@kirim/contracts';
import { AnswerFactory, OutgoingRecord } from '../answers/answer-factory';
import { applyLegOnce } from '../legs/apply-leg-once';
import type { PartnerBankPort } from '../legs/partner-bank.port';
import type { LogFields, PartnerLogger } from '../logging/partner-logger';
import type { ConsumedRecord } from '../requests/partner-request';
import { RequestCheck, RequestGate } from '../requests/request-gate';

export type RefusalCheck = RequestCheck | 'idempotency';

export type ProcessOutcome =
  /** Send `record`; then the request's ce_id is handled. */
  | { readonly kind: 'answer'; readonly record: OutgoingRecord; readonly ceId: string; readonly log: LogFields }
  /** Send the original record to the dead-letter topic with `reason`; nothing moved. */
  | { readonly kind: 'dead-letter'; readonly check: RefusalCheck; readonly reason: string; readonly ceId?: string }
  /** A redelivery whose outcome was already sent. */
  | { readonly kind: 'skip'; readonly ceId: string };

/**
 * One request record, start to finish, without Kafka: the gate's checks, then the bank's code
 * through its port (legs once per requestId, in one transaction), then the signed answer. Throws
 * only on outages and bugs (the bank's database down, an answer the contract refuses), so the
 * record is retried rather than dead-lettered for a fault of the bank's own.
 */
export class PartnerRequestProcessor<Tx = unknown> {
  constructor(
    private readonly gate: RequestGate,
    private readonly bank: PartnerBankPort<Tx>,
    private readonly answers: AnswerFactory,
    private readonly logger: PartnerLogger,
  ) {}

  async process(record: ConsumedRecord): Promise<ProcessOutcome> {
    const admission = await this.gate.admit(record);
    switch (admission.kind) {
      case 'redelivered':
        return { kind: 'skip', ceId: admission.ceId };
      case 'refused':
        return { kind: 'dead-letter', check: admission.check, reason: admission.reason, ...(admission.claimedCeId ? { ceId: admission.claimedCeId } : {}) };
      case 'accepted':
        break;
    }
    const request = admission.request;
    const ceId = request.envelope.ceId;
    if (request.kind === 'account-lookup') {
      const accounts = await this.bank.lookupAccounts(request);
      const answer = await this.answers.lookupAnswer(request, accounts);
      return { kind: 'answer', record: answer, ceId, log: { ceId, lookupId: request.lookupId, type: request.envelope.ceType, accounts: accounts.length, ...traceIdOf(request.envelope.traceparent) } };
    }
    const outcome = await applyLegOnce(this.bank, request);
    if (outcome.kind === 'conflict') return { kind: 'dead-letter', check: 'idempotency', reason: outcome.reason, ceId };
    const answer = await this.answers.legAnswer(request, outcome.decision);
    const resultCode = outcome.decision.outcome === 'succeeded' ? '00' : outcome.decision.resultCode;
    if (outcome.repeated) this.logger.info('repeated request answered from the record; nothing moved', { ceId, requestId: request.requestId, paymentId: request.paymentId });
    return {
      kind: 'answer',
      record: answer,
      ceId,
      log: { ceId, requestId: request.requestId, paymentId: request.paymentId, type: request.envelope.ceType, resultCode, repeated: outcome.repeated, ...traceIdOf(request.envelope.traceparent) },
    };
  }
}


/** The request's trace id, so a bank's log line can be found by the same id as kirim's lines for the payment. */
function traceIdOf(traceparent: string | undefined): { trace_id?: string } {
  const traceId = traceIdOfTraceparent(traceparent);
  return traceId === undefined ? {} : { trace_id: traceId };
}
