import { PROBLEM_CODES } from '@kirim/contracts';
import { FakeUnitOfWork, FixedClock, SequentialIds } from '../../testing/payment-fakes';
import { InMemoryMerchantRepository, sampleMerchant, SAMPLE_MERCHANT_ID, SAMPLE_OWNER_ID, SequentialMerchantApiKeys } from '../../testing/merchant-fakes';
import { AuthenticateMerchantApiKeyUseCase } from '../authenticate-merchant-api-key/authenticate-merchant-api-key.use-case';
import { merchantKeyDigest } from '../merchant-api-key';
import { ListMerchantApiKeysUseCase } from '../list-merchant-api-keys/list-merchant-api-keys.use-case';
import { RevokeMerchantApiKeyUseCase } from '../revoke-merchant-api-key/revoke-merchant-api-key.use-case';
import { CreateMerchantApiKeyUseCase } from './create-merchant-api-key.use-case';

describe('merchant API keys: make, rotate, revoke, authenticate', () => {
  const owner = { ownerUserId: SAMPLE_OWNER_ID, merchantId: SAMPLE_MERCHANT_ID };

  async function harness() {
    const merchants = new InMemoryMerchantRepository();
    await merchants.insert(sampleMerchant());
    const clock = new FixedClock();
    return {
      merchants,
      create: new CreateMerchantApiKeyUseCase(new FakeUnitOfWork(), merchants, new SequentialMerchantApiKeys(), clock, new SequentialIds()),
      revoke: new RevokeMerchantApiKeyUseCase(merchants, clock),
      list: new ListMerchantApiKeysUseCase(merchants),
      authenticate: new AuthenticateMerchantApiKeyUseCase(merchants),
    };
  }

  it('answers the key once and stores only its lookup prefix and SHA-256', async () => {
    const { create, merchants, authenticate } = await harness();
    const made = await create.execute(owner);
    if (!made.ok) throw new Error(made.detail);
    const stored = [...merchants.keys.values()];
    expect(stored).toEqual([{ id: made.record.id, merchantId: SAMPLE_MERCHANT_ID, lookupPrefix: made.apiKey.slice(4, 16), digest: merchantKeyDigest(made.apiKey), createdAt: expect.any(Date), revokedAt: null }]);
    expect(JSON.stringify(stored)).not.toContain(made.apiKey);
    expect(merchants.locked).toEqual([SAMPLE_MERCHANT_ID]);
    expect(await authenticate.execute(made.apiKey)).toMatchObject({ id: SAMPLE_MERCHANT_ID });
  });

  it('keeps at most two active keys: a third waits for a revocation, and the revoked key stops working at once', async () => {
    const { create, revoke, authenticate, list } = await harness();
    const first = await create.execute(owner);
    const second = await create.execute(owner);
    if (!first.ok || !second.ok) throw new Error('keys not made');
    expect(await create.execute(owner)).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_API_KEY_LIMIT });

    expect(await revoke.execute({ ...owner, keyId: first.record.id })).toEqual({ ok: true });
    expect(await authenticate.execute(first.apiKey)).toBeNull();
    expect(await authenticate.execute(second.apiKey)).toMatchObject({ id: SAMPLE_MERCHANT_ID });
    expect(await create.execute(owner)).toMatchObject({ ok: true });
    const keys = await list.execute(owner);
    expect(keys.ok && keys.keys.map((key) => key.revokedAt !== null)).toEqual([true, false, false]);
    // Revoking twice finds no active key.
    expect(await revoke.execute({ ...owner, keyId: first.record.id })).toMatchObject({ ok: false, code: PROBLEM_CODES.NOT_FOUND });
  });

  it("treats another user's merchant as unknown", async () => {
    const { create, revoke, list } = await harness();
    const stranger = { ...owner, ownerUserId: 'a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1' };
    expect(await create.execute(stranger)).toMatchObject({ ok: false, status: 404 });
    expect(await list.execute(stranger)).toMatchObject({ ok: false, status: 404 });
    const made = await create.execute(owner);
    if (!made.ok) throw new Error(made.detail);
    expect(await revoke.execute({ ...stranger, keyId: made.record.id })).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses a key whose prefix matches but whose rest does not, and anything not shaped like a key', async () => {
    const { create, authenticate } = await harness();
    const made = await create.execute(owner);
    if (!made.ok) throw new Error(made.detail);
    const tampered = `${made.apiKey.slice(0, -1)}${made.apiKey.endsWith('B') ? 'C' : 'B'}`;
    expect(await authenticate.execute(tampered)).toBeNull();
    expect(await authenticate.execute('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBeNull();
  });
});
