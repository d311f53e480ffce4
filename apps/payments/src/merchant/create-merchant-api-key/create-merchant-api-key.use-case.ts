import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { MAX_ACTIVE_MERCHANT_API_KEYS, MerchantApiKeyRecord } from '../merchant';
import { lookupPrefixOf, MerchantApiKeySource, merchantKeyDigest } from '../merchant-api-key';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { MerchantRepository } from '../merchant.repository';

export interface CreateMerchantApiKeyCommand {
  readonly ownerUserId: string;
  readonly merchantId: string;
}

/** `apiKey` is the key itself: answered this once, stored nowhere (only its digest is). */
export type CreateMerchantApiKeyOutcome = { readonly ok: true; readonly record: MerchantApiKeyRecord; readonly apiKey: string } | MerchantFailure;

/**
 * Makes a merchant API key for its owner. At most two are active at once, so a key is rotated by
 * making the next one, moving the merchant's systems to it and revoking the old one. The merchant's
 * row is locked while its keys are counted, so two concurrent requests cannot both be the second key.
 */
@Injectable()
export class CreateMerchantApiKeyUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly merchants: MerchantRepository,
    private readonly keys: MerchantApiKeySource,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: CreateMerchantApiKeyCommand): Promise<CreateMerchantApiKeyOutcome> {
    return this.unitOfWork.run(async (tx): Promise<CreateMerchantApiKeyOutcome> => {
      const merchant = await this.merchants.lockById(tx, command.merchantId);
      // Another user's merchant is as unknown as one that does not exist.
      if (merchant === null || merchant.ownerUserId !== command.ownerUserId) return merchantFailure('not-found', 'No such merchant.');
      if ((await this.merchants.countActiveKeys(tx, merchant.id)) >= MAX_ACTIVE_MERCHANT_API_KEYS) {
        return merchantFailure('api-key-limit', `A merchant has at most ${MAX_ACTIVE_MERCHANT_API_KEYS} active API keys; revoke one first.`);
      }
      const apiKey = this.keys.newKey();
      const record: MerchantApiKeyRecord = {
        id: this.ids.uuid(),
        merchantId: merchant.id,
        lookupPrefix: lookupPrefixOf(apiKey),
        digest: merchantKeyDigest(apiKey),
        createdAt: this.clock.now(),
        revokedAt: null,
      };
      await this.merchants.insertKey(tx, record);
      return { ok: true, record, apiKey };
    });
  }
}
