import { Injectable } from '@nestjs/common';
import { MerchantApiKeyRecord } from '../merchant';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { MerchantRepository } from '../merchant.repository';

/** The owner's view of a merchant's keys: ids, prefixes and dates, never a key or a digest. */
@Injectable()
export class ListMerchantApiKeysUseCase {
  constructor(private readonly merchants: MerchantRepository) {}

  async execute(command: { readonly ownerUserId: string; readonly merchantId: string }): Promise<{ readonly ok: true; readonly keys: MerchantApiKeyRecord[] } | MerchantFailure> {
    const merchant = await this.merchants.findById(command.merchantId);
    if (merchant === null || merchant.ownerUserId !== command.ownerUserId) return merchantFailure('not-found', 'No such merchant.');
    return { ok: true, keys: await this.merchants.listKeys(merchant.id) };
  }
}
