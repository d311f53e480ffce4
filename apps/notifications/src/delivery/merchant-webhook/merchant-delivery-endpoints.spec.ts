import { FixedClock } from '@kirim/testing';
import { InMemoryMerchantWebhookEndpoints } from '../../testing/in-memory-merchant-webhooks';
import { ScriptedChannel } from '../../testing/in-memory-deliveries';
import { ConfiguredAndMerchantEndpoints } from './merchant-delivery-endpoints';

describe('ConfiguredAndMerchantEndpoints', () => {
  const options = { timeoutMs: 5000, allowNonPublicHosts: false };

  it('serves the configured endpoints even when the merchant endpoints cannot be read', async () => {
    const chat = new ScriptedChannel('chat');
    const registry = new InMemoryMerchantWebhookEndpoints();
    jest.spyOn(registry, 'allEnabled').mockRejectedValueOnce(new Error('FieldDecryptionError: unknown key'));
    const endpoints = new ConfiguredAndMerchantEndpoints([chat], registry, options, new FixedClock());

    expect(await endpoints.active()).toEqual([chat]);
    // Receipts are never held by merchant endpoints.
    expect(endpoints.forReceipts()).toEqual([chat]);
  });
});
