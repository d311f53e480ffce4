import { randomBytes } from 'node:crypto';
import { DataEncryptionConfig, FieldEncryption, loadConfig, LookupHasher } from '@kirim/platform';

/** DATA_ENCRYPTION_KEYS, DATA_ENCRYPTION_ACTIVE_KEY_ID and DATA_LOOKUP_KEY with fresh random keys (one key, id `test-1`). */
export function testDataEncryptionEnv(): Record<'DATA_ENCRYPTION_KEYS' | 'DATA_ENCRYPTION_ACTIVE_KEY_ID' | 'DATA_LOOKUP_KEY', string> {
  return {
    DATA_ENCRYPTION_KEYS: `test-1:${randomBytes(32).toString('base64')}`,
    DATA_ENCRYPTION_ACTIVE_KEY_ID: 'test-1',
    DATA_LOOKUP_KEY: randomBytes(32).toString('base64'),
  };
}

/** A keyring and a lookup hasher with fresh random keys, as repository adapters take them. */
export function testDataProtection(keyIds: readonly string[] = ['test-1'], activeKeyId = keyIds[0] ?? 'test-1'): { fields: FieldEncryption; lookups: LookupHasher } {
  return {
    fields: FieldEncryption.fromKeys(new Map(keyIds.map((kid) => [kid, randomBytes(32)])), activeKeyId),
    lookups: LookupHasher.fromKey(randomBytes(32)),
  };
}

/**
 * An auditor's view of a service's encrypted columns: opens values with the service's own data keys
 * (DATA_ENCRYPTION_* as the service gets them), for tests that check what a database holds.
 */
export function fieldDecrypterFor(env: Record<string, string | undefined>): (purpose: string, stored: string) => string {
  const fields = FieldEncryption.fromConfig(loadConfig(DataEncryptionConfig, env));
  return (purpose, stored) => fields.decrypt(purpose, stored);
}
