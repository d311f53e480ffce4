import { Injectable } from '@nestjs/common';
import { Merchant } from '../merchant';
import { MerchantRepository } from '../merchant.repository';

/** A merchant as its owner sees it; null for anyone else's (answered as not found). */
@Injectable()
export class GetMerchantUseCase {
  constructor(private readonly merchants: MerchantRepository) {}

  async execute(query: { readonly ownerUserId: string; readonly merchantId: string }): Promise<Merchant | null> {
    const merchant = await this.merchants.findById(query.merchantId);
    return merchant !== null && merchant.ownerUserId === query.ownerUserId ? merchant : null;
  }
}
