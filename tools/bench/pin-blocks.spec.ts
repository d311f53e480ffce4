import { compactDecrypt, exportJWK, generateKeyPair, KeyLike } from 'jose';
import { BankPinKeys } from '../../apps/e2e/src/support/upi-pin';
import { PinBlockMaker } from './pin-blocks';

describe('PinBlockMaker: PIN blocks made in worker threads', () => {
  let maker: PinBlockMaker | undefined;
  afterEach(async () => maker?.close());

  async function bankKeys(): Promise<{ keys: BankPinKeys; privateKey: KeyLike }> {
    const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const keys = new BankPinKeys('http://127.0.0.1:1');
    jest.spyOn(keys, 'banks').mockResolvedValue([
      { bankCode: 'SBXA', name: 'Sandbox A', pinKey: { ...(await exportJWK(publicKey)), kid: 'sbxa-pin-1' } },
      { bankCode: 'SBXC', name: 'No UPI', pinKey: null },
    ]);
    return { keys, privateKey };
  }

  it('encrypts the payment block for the bank as the bank opens it: its kid, the PIN, the amount and iat', async () => {
    const { keys, privateKey } = await bankKeys();
    const twoWorkers = new PinBlockMaker(keys, 2);
    maker = twoWorkers;
    const blocks = await Promise.all(Array.from({ length: 40 }, (_, i) => twoWorkers.pay('SBXA', '2580', `${i + 1}.00`, 1_800_000_000 + i)));
    expect(new Set(blocks).size).toBe(40);
    for (const [i, block] of blocks.entries()) {
      const opened = await compactDecrypt(block, privateKey);
      expect(opened.protectedHeader).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'sbxa-pin-1', cty: 'json' });
      expect(JSON.parse(new TextDecoder().decode(opened.plaintext))).toEqual({ purpose: 'pay', pin: '2580', amount: { value: `${i + 1}.00`, currency: 'INR' }, iat: 1_800_000_000 + i });
    }
  });

  it('gives every block a fresh ephemeral key', async () => {
    const { keys } = await bankKeys();
    maker = new PinBlockMaker(keys, 1);
    const [a, b] = await Promise.all([maker.pay('SBXA', '2580', '1.00', 1), maker.pay('SBXA', '2580', '1.00', 1)]);
    const epk = (block: string): unknown => (JSON.parse(Buffer.from(block.split('.')[0], 'base64url').toString('utf8')) as { epk: unknown }).epk;
    expect(epk(a)).not.toEqual(epk(b));
  });

  it('refuses a bank that publishes no PIN key', async () => {
    const { keys } = await bankKeys();
    maker = new PinBlockMaker(keys, 1);
    await expect(maker.pay('SBXC', '2580', '1.00', 1)).rejects.toThrow(/SBXC publishes no UPI PIN key/);
  });
});
