import { Injectable } from '@nestjs/common';
import { encryptForBank, PartnerAccountPlaintext } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { BankAdapter, BankLegCommand, BankLegOutcome, LegDirection } from '../../bank-legs/bank-adapter.port';
import { PartnerLegRepository } from '../../partner-banks/partner-leg.repository';
import { PartnerRegistry } from '../../partner-banks/partner-registry';
import { partnerRequestType, reusedRequestDifference, toPartnerLegRequested } from './kafka-partner.mapper';

/**
 * Partner banks reached over Kafka: a leg goes to the bank's own request topic (signed by the
 * outbox relay, the account encrypted for that bank alone), in the consumer's transaction, and the
 * bank's answer comes back on its response topic (ApplyPartnerAnswer). A leg whose answer never
 * comes is re-sent by payments' status checks with the same request id; this adapter then re-sends
 * it to the bank, or, if the bank has answered meanwhile, answers from what it recorded.
 */
@Injectable()
export class KafkaPartnerAdapter implements BankAdapter {
  readonly name = 'kafka-partner';
  readonly bankCodes: readonly string[];

  constructor(
    private readonly registry: PartnerRegistry,
    private readonly legs: PartnerLegRepository,
    private readonly clock: Clock,
  ) {
    this.bankCodes = registry.bankCodes();
  }

  async apply(tx: TransactionScope, direction: LegDirection, leg: BankLegCommand): Promise<BankLegOutcome> {
    const partner = this.registry.find(leg.bankCode);
    if (!partner) throw new Error(`bank ${leg.bankCode} was routed to the Kafka partner adapter but is not in the registry`);
    // The PIN block is forwarded, never recorded: partner_legs keeps what is needed to check the answer.
    const { encryptedPin, ...legToRecord } = leg;
    const recorded = await this.legs.recordForwarded(tx, { ...legToRecord, direction, forwardedAt: this.clock.now() });
    if (!recorded.created) {
      const difference = reusedRequestDifference(recorded.leg, direction, leg);
      if (difference !== null) return { kind: 'refused', reason: `request id ${leg.requestId} was already used for another leg to ${leg.bankCode}: ${difference} differs` };
      const answer = recorded.leg.answer;
      if (answer !== null) {
        return answer.approved ? { kind: 'approved', rrn: answer.rrn } : { kind: 'declined', resultCode: answer.resultCode, reason: answer.reason };
      }
      await this.legs.countForward(tx, leg.requestId);
    }
    const account: PartnerAccountPlaintext = { accountRef: leg.accountRef };
    // A debit carries the payer's PIN block as the device made it for this bank: the bank opens and
    // checks it (docs/upi-pin.md). A status check's re-send has none; the bank answers it from its record.
    const request = toPartnerLegRequested(leg, await encryptForBank(account, partner.encryptionKey), direction === 'debit' ? encryptedPin : undefined);
    await tx.publish({ type: partnerRequestType(direction), key: leg.paymentId, data: request });
    return { kind: 'forwarded' };
  }
}
