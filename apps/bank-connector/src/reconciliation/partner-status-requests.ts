import { Injectable } from '@nestjs/common';
import type { TransactionScope } from '@kirim/messaging';
import { KafkaPartnerAdapter } from '../adapters/kafka-partner/kafka-partner.adapter';
import type { BankLegOutcome } from '../bank-legs/bank-adapter.port';
import type { PartnerLeg } from '../partner-banks/partner-leg';

/** Asks a partner bank again about a leg it has not answered (port), in `tx`. */
export abstract class PartnerStatusRequests {
  abstract requestStatus(tx: TransactionScope, leg: PartnerLeg): Promise<BankLegOutcome>;
}

/**
 * A status request is the original request re-sent (same request id, no PIN): the bank applies a
 * request id at most once and answers a repeat from its record, so this can never move money twice.
 * The Kafka partner adapter does exactly what a payments status check makes it do: it counts the
 * forward and re-sends, or answers from the record if the bank answered meanwhile.
 */
@Injectable()
export class KafkaPartnerStatusRequests extends PartnerStatusRequests {
  constructor(private readonly partners: KafkaPartnerAdapter) {
    super();
  }

  requestStatus(tx: TransactionScope, leg: PartnerLeg): Promise<BankLegOutcome> {
    const { requestId, paymentId, txnId, purpose, bankCode, accountRef, amount } = leg;
    return this.partners.apply(tx, leg.direction, { requestId, paymentId, txnId, purpose, bankCode, accountRef, amount });
  }
}
