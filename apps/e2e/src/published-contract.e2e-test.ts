import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EVENT_CATALOGUE, JSONWebKeySetLike, platformEncryptionKeyOf } from '@kirim/contracts';
import { Api } from './support/api';
import { kirimHome, REPO_ROOT } from './support/config';

/** What partner banks are given through kirim's one base URL: the Kafka contract and the keys that sign kirim's records. */
describe('the published contract (e2e, running stack)', () => {
  const api = new Api();

  it('serves the AsyncAPI document under /docs, as committed, and links it from the docs index', async () => {
    const served = await api.request('GET', '/docs/asyncapi.yaml', { headers: { accept: 'application/yaml' } });
    expect(served.status).toBe(200);
    expect(served.contentType).toMatch(/yaml/);
    expect(served.text).toBe(readFileSync(join(REPO_ROOT, 'docs', 'asyncapi.yaml'), 'utf8'));
    const document = parse(served.text) as { asyncapi: string };
    expect(document.asyncapi).toBe('3.0.0');
    for (const type of Object.keys(EVENT_CATALOGUE)) expect(served.text).toContain(type);
    expect((await api.request('GET', '/docs')).text).toContain('asyncapi.yaml');
  });

  it("publishes kirim's platform JWKS, public halves only: bank-connector's current signing key, and its current encryption key listed last", async () => {
    const served = await api.request<JSONWebKeySetLike>('GET', '/.well-known/message-signing-keys.json');
    expect(served.status).toBe(200);
    const currentKid = readFileSync(join(kirimHome(), 'keys', 'messages', 'bank-connector.kid'), 'utf8').trim();
    expect(served.body.keys.map((key) => key.kid)).toContain(currentKid);
    for (const key of served.body.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      if (key.use === 'enc') expect(key).toMatchObject({ kty: 'OKP', crv: 'X25519', alg: 'ECDH-ES', kid: expect.stringMatching(/^bank-connector:/) });
      else expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
    // The key partner banks encrypt holder names for: bank-connector's current one, the last listed.
    const currentEncryptionKid = readFileSync(join(kirimHome(), 'keys', 'messages', 'bank-connector-encryption', 'current.kid'), 'utf8').trim();
    expect((await platformEncryptionKeyOf(served.body)).kid).toBe(currentEncryptionKid);
  });
});
