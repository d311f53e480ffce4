import { Logger } from '@nestjs/common';
import { encryptHolderName, generateEncryptionKeyPair, GeneratedKeyPair, PlatformDecryptionKeys, platformEncryptionKeyOf } from '@kirim/contracts';
import { MessageRefusedError } from '@kirim/messaging';
import { FakeTransactionScope, FixedClock } from '@kirim/testing';
import { InMemoryPartnerAccountLookupRepository } from '../../testing/bank-connector-fakes';
import { RecordAccountLookupAnswer } from './record-account-lookup-answer.use-case';

const LOOKUP_ID = '33333333-3333-4333-8333-333333333333';
const ACCOUNT_REF = '22222222-2222-4222-8222-222222222222';

describe('RecordAccountLookupAnswer', () => {
  let current: GeneratedKeyPair;
  let previous: GeneratedKeyPair;
  let lookups: InMemoryPartnerAccountLookupRepository;
  let useCase: RecordAccountLookupAnswer;

  /** One account as a partner bank sends it: the holder name encrypted for `key` (kirim's current one by default). */
  const account = async (holderName = 'Ravi Shankar', key: GeneratedKeyPair = current) => ({
    accountRef: ACCOUNT_REF,
    maskedAccountNumber: 'XXXXXXXX4321',
    encryptedHolderName: await encryptHolderName(holderName, await platformEncryptionKeyOf({ keys: [key.publicJwk] })),
  });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    [current, previous] = await Promise.all([generateEncryptionKeyPair('bank-connector:enc-2'), generateEncryptionKeyPair('bank-connector:enc-1')]);
  });

  beforeEach(async () => {
    lookups = new InMemoryPartnerAccountLookupRepository();
    await lookups.recordRequested(new FakeTransactionScope(), { lookupId: LOOKUP_ID, bankCode: 'XMPL', mobile: '+919800000042', requestedAt: new Date() });
    const keys = PlatformDecryptionKeys.fromPem('bank-connector', [
      { kid: 'bank-connector:enc-2', pem: current.privateKeyPem },
      { kid: 'bank-connector:enc-1', pem: previous.privateKeyPem },
    ]);
    useCase = new RecordAccountLookupAnswer(lookups, keys, new FixedClock());
  });

  it('records the accounts the bank lists, with the holder name it decrypted, once', async () => {
    expect(await useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts: [await account()] } })).toBe('recorded');
    expect(await useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts: [] } })).toBe('duplicate');
    expect(lookups.rows.get(LOOKUP_ID)?.accounts).toEqual([{ accountRef: ACCOUNT_REF, maskedAccountNumber: 'XXXXXXXX4321', holderName: 'Ravi Shankar' }]);
  });

  it('opens a name encrypted for the key being rotated out (a bank that has not reloaded the platform JWKS yet)', async () => {
    expect(await useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts: [await account('Asha Rao', previous)] } })).toBe('recorded');
    expect(lookups.rows.get(LOOKUP_ID)?.accounts?.[0]?.holderName).toBe('Asha Rao');
  });

  it.each([
    ['a lookup kirim never sent', { lookupId: '44444444-3333-4333-8333-333333333333', bankCode: 'XMPL' }],
    ['a lookup sent to another bank', { lookupId: LOOKUP_ID, bankCode: 'OTHR' }],
  ])('refuses an answer to %s', async (_what, answer) => {
    await expect(useCase.execute(new FakeTransactionScope(), { answer: { ...answer, accounts: [await account()] } })).rejects.toThrow(MessageRefusedError);
    expect(lookups.rows.get(LOOKUP_ID)?.accounts).toBeNull();
  });

  describe('refuses the whole answer, recording nothing, when a holder name does not open', () => {
    const refusal = async (accounts: object[]): Promise<MessageRefusedError> => {
      const error = await useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts } as never }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(MessageRefusedError);
      expect(lookups.rows.get(LOOKUP_ID)?.accounts).toBeNull();
      expect((error as Error).message).not.toMatch(/Ravi|Asha/);
      return error as MessageRefusedError;
    };

    it('encrypted for a key kirim does not hold (unknown kid)', async () => {
      const stranger = await generateEncryptionKeyPair('bank-connector:enc-9');
      const error = await refusal([await account(), await account('Asha Rao', stranger)]);
      expect(error.message).toMatch(/accounts\[1\]\.encryptedHolderName is encrypted for key "bank-connector:enc-9", which is not an encryption key kirim holds/);
    });

    it('encrypted for the bank itself (another key under our kid), or altered', async () => {
      const impostor = await generateEncryptionKeyPair('bank-connector:enc-2');
      expect((await refusal([await account('Asha Rao', impostor)])).message).toMatch(/does not decrypt/);
      const good = await account();
      const parts = good.encryptedHolderName.split('.');
      parts[4] = Buffer.alloc(16, 7).toString('base64url');
      expect((await refusal([{ ...good, encryptedHolderName: parts.join('.') }])).message).toMatch(/does not decrypt/);
    });

    it('even when it repeats an answer already recorded', async () => {
      await useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts: [] } });
      const stranger = await generateEncryptionKeyPair('bank-connector:enc-9');
      await expect(useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts: [await account('Asha Rao', stranger)] } })).rejects.toThrow(MessageRefusedError);
      expect(lookups.rows.get(LOOKUP_ID)?.accounts).toEqual([]);
    });
  });
});
