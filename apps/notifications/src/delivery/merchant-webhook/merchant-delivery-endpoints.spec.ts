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

    expect(await endpoints.active(new Set(['chat', 'merchant:0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f']))).toEqual([chat]);
    // Receipts are never held by merchant endpoints.
    expect(endpoints.forReceipts()).toEqual([chat]);
  });

  it("reads no merchant endpoint (nor decrypts a secret) while only the configured endpoints have work", async () => {
    const chat = new ScriptedChannel('chat');
    const registry = new InMemoryMerchantWebhookEndpoints();
    const reads = jest.spyOn(registry, 'allEnabled');
    const endpoints = new ConfiguredAndMerchantEndpoints([chat], registry, options, new FixedClock());

    expect(await endpoints.active(new Set(['chat']))).toEqual([chat]);
    expect(await endpoints.active(new Set())).toEqual([]);
    expect(reads).not.toHaveBeenCalled();
  });
});
