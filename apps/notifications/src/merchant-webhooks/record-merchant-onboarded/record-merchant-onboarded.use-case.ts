import { Injectable } from '@nestjs/common';
import type { MerchantOnboarded } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import { MerchantDirectory } from '../merchant-directory';

/**
 * Keeps a merchant payments announced (payments.merchant.onboarded.v1): who owns it, so only that
 * user may manage its webhook endpoints, and its public name. Runs in the consumer batch's
 * transaction; a redelivered or replayed announcement changes nothing (an owner never changes).
 */
@Injectable()
export class RecordMerchantOnboarded {
  constructor(private readonly directory: MerchantDirectory) {}

  async execute(tx: InTransaction, event: MerchantOnboarded): Promise<void> {
    await this.directory.record(tx, { merchantId: event.merchantId, ownerUserId: event.ownerUserId, displayName: event.displayName, onboardedAt: new Date(event.onboardedAt) });
  }
}
