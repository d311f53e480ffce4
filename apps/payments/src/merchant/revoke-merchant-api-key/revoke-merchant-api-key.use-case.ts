import { Injectable } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { MerchantRepository } from '../merchant.repository';

export interface RevokeMerchantApiKeyCommand {
  readonly ownerUserId: string;
  readonly merchantId: string;
  readonly keyId: string;
}

/**
 * Revokes a merchant API key for good: the next request with it is refused (the guard reads the
 * key's row on every request, so no cache outlives the revocation).
 */
@Injectable()
export class RevokeMerchantApiKeyUseCase {
  constructor(
    private readonly merchants: MerchantRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: RevokeMerchantApiKeyCommand): Promise<{ readonly ok: true } | MerchantFailure> {
    const merchant = await this.merchants.findById(command.merchantId);
    if (merchant === null || merchant.ownerUserId !== command.ownerUserId) return merchantFailure('not-found', 'No such merchant.');
    if (!(await this.merchants.revokeKey(merchant.id, command.keyId, this.clock.now()))) return merchantFailure('not-found', 'No such active API key.');
    return { ok: true };
  }
}
