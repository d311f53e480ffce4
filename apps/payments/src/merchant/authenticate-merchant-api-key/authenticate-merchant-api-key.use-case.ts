import { Injectable } from '@nestjs/common';
import { Merchant } from '../merchant';
import { digestsEqual, presentedMerchantKey } from '../merchant-api-key';
import { MerchantRepository } from '../merchant.repository';

/**
 * The merchant a presented API key belongs to, or null: a malformed key, an unknown or revoked one,
 * or one whose digest does not match. The row is found by the key's lookup prefix and the digests
 * are compared in constant time, so how much of a guessed key is right cannot be timed.
 */
@Injectable()
export class AuthenticateMerchantApiKeyUseCase {
  constructor(private readonly merchants: MerchantRepository) {}

  async execute(apiKey: string): Promise<Merchant | null> {
    const presented = presentedMerchantKey(apiKey);
    if (presented === null) return null;
    const found = await this.merchants.findActiveKey(presented.lookupPrefix);
    if (found === null) return null;
    return digestsEqual(presented.digest, found.key.digest) ? found.merchant : null;
  }
}
