import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEncryptionKeyPair, generateRecordSigningKeyPair } from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';
import { loadPartnerRegistry } from './partner-registry';

async function bankJwks(): Promise<object> {
  return { keys: [(await generateRecordSigningKeyPair('xmpl-sig-1')).publicJwk, (await generateEncryptionKeyPair('xmpl-enc-1')).publicJwk] };
}

function registryFile(partners: object[]): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kirim-registry-'));
  const file = join(dir, 'partner-banks.json');
  writeFileSync(file, JSON.stringify({ partners }));
  return { dir, file };
}

describe('loadPartnerRegistry', () => {
  it('has no partners when no registry is configured', async () => {
    expect((await loadPartnerRegistry({})).partners).toEqual([]);
  });

  it("loads each bank with its topics, principal, timeouts and keys, from a file next to the registry", async () => {
    const { dir, file } = registryFile([{ bankCode: 'XMPL', name: 'Example Partner Bank', jwks: { file: 'XMPL/jwks.json' }, answerTimeoutMs: 10_000 }]);
    mkdirSync(join(dir, 'XMPL'));
    writeFileSync(join(dir, 'XMPL', 'jwks.json'), JSON.stringify(await bankJwks()));

    const registry = await loadPartnerRegistry({ PARTNER_REGISTRY_FILE: file });

    expect(registry.partners).toEqual([
      expect.objectContaining({
        bankCode: 'XMPL',
        principal: 'partner-xmpl',
        requestsTopic: 'partner.xmpl.requests.v1',
        responsesTopic: 'partner.xmpl.responses.v1',
        answerTimeoutMs: 10_000,
        lookupTimeoutMs: 2_000,
        encryptionKey: expect.objectContaining({ kid: 'xmpl-enc-1' }),
      }),
    ]);
    expect(registry.signingKeys.keyIdsOf('partner-xmpl')).toEqual(['xmpl-sig-1']);
    expect(registry.responsesTopics()).toEqual(['partner.xmpl.responses.v1']);
  });

  it('fetches a JWKS given by https URL', async () => {
    const { file } = registryFile([{ bankCode: 'XMPL', name: 'Example', jwks: { url: 'https://bank.example/jwks.json' } }]);
    const jwks = await bankJwks();
    const fetched: string[] = [];
    const registry = await loadPartnerRegistry({ PARTNER_REGISTRY_FILE: file }, async (url) => {
      fetched.push(url);
      return jwks;
    });
    expect(fetched).toEqual(['https://bank.example/jwks.json']);
    expect(registry.bankCodes()).toEqual(['XMPL']);
  });

  it.each([
    ['an unreadable registry', { PARTNER_REGISTRY_FILE: '/nonexistent/partner-banks.json' }, /PARTNER_REGISTRY_FILE cannot be read/],
  ])('stops the boot on %s', async (_what, source, reason) => {
    await expect(loadPartnerRegistry(source)).rejects.toThrow(reason);
  });

  it('stops the boot, naming the bank, when its JWKS is missing or lacks a key', async () => {
    const { dir, file } = registryFile([{ bankCode: 'XMPL', name: 'Example', jwks: { file: 'jwks.json' } }]);
    await expect(loadPartnerRegistry({ PARTNER_REGISTRY_FILE: file })).rejects.toThrow(/partner XMPL/);

    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [(await generateRecordSigningKeyPair('xmpl-sig-1')).publicJwk] }));
    await expect(loadPartnerRegistry({ PARTNER_REGISTRY_FILE: file })).rejects.toThrow(/partner XMPL: the JWKS has no encryption key/);

    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [(await generateEncryptionKeyPair('xmpl-enc-1')).publicJwk] }));
    await expect(loadPartnerRegistry({ PARTNER_REGISTRY_FILE: file })).rejects.toThrow(ConfigError);
  });

  it('refuses a registry that claims a sandbox bank', async () => {
    const { file } = registryFile([{ bankCode: 'SBXA', name: 'Not a partner', jwks: { file: 'jwks.json' } }]);
    await expect(loadPartnerRegistry({ PARTNER_REGISTRY_FILE: file })).rejects.toThrow(/built-in sandbox bank/);
  });
});
