import { createHash } from 'node:crypto';
import { loadConfig } from '../config/load-config';
import { ConfigError } from '../config/config-error';
import { OperatorAuthConfig, operatorKeyringOf } from './operator-auth.config';
import { MAX_KEYS_PER_OPERATOR, newOperatorKey, OPERATOR_KEY_PATTERN, OperatorKeyring, operatorKeyDigest, parseOperatorKeyDigests } from './operator-keys';

const hex = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(OperatorAuthConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('OPERATOR_KEY_DIGESTS', () => {
  it('reads named digests, several per operator, and leaves the endpoints disabled when empty', () => {
    const parsed = parseOperatorKeyDigests(` alice:${hex('a1')}, bob:${hex('b1')},alice:${hex('a2')} `);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect([...parsed.digests.keys()]).toEqual(['alice', 'bob']);
    expect(parsed.digests.get('alice')?.map((digest) => digest.toString('hex'))).toEqual([hex('a1'), hex('a2')]);
    expect(operatorKeyringOf(loadConfig(OperatorAuthConfig, {})).isEmpty).toBe(true);
    expect(operatorKeyringOf(loadConfig(OperatorAuthConfig, { OPERATOR_KEY_DIGESTS: '' })).isEmpty).toBe(true);
  });

  it.each([
    ['a name without a digest', 'alice', 'entry 1 is not <operator>:<sha256 hex of the key>'],
    ['an uppercase digest', `alice:${hex('a1').toUpperCase()}`, 'entry 1 is not <operator>:<sha256 hex of the key>'],
    ['a short digest', `alice:${hex('a1').slice(1)}`, 'entry 1 is not'],
    ['a name with capitals', `alice:${hex('a1')},Bob:${hex('b1')}`, 'entry 2: the operator name must be'],
    ['one key twice', `alice:${hex('a1')},alice:${hex('a1')}`, 'names the same key twice for alice'],
    ['one key for two operators', `alice:${hex('a1')},bob:${hex('a1')}`, 'gives one key to two operators (alice and bob)'],
    ['too many keys for one operator', Array.from({ length: MAX_KEYS_PER_OPERATOR + 1 }, (_, i) => `alice:${hex(`k${i}`)}`).join(','), `gives alice more than ${MAX_KEYS_PER_OPERATOR} keys`],
  ])('refuses %s at boot with a message naming the variable and never the digest', (_label, value, reason) => {
    const message = configError({ OPERATOR_KEY_DIGESTS: value });
    expect(message).toContain('OPERATOR_KEY_DIGESTS');
    expect(message).toContain(reason);
    expect(message).not.toMatch(/[0-9a-f]{16}/i);
  });
});

describe('OperatorKeyring', () => {
  const alice1 = newOperatorKey('alice');
  const alice2 = newOperatorKey('alice');
  const bob = newOperatorKey('bob');
  const parsed = parseOperatorKeyDigests([alice1.digestEntry, bob.digestEntry, alice2.digestEntry].join(','));
  if (!parsed.ok) throw new Error(parsed.reason);
  const keyring = new OperatorKeyring(parsed.digests);

  it('names the operator whose key it is, for each of an operator\'s keys (rotation without downtime)', () => {
    expect(keyring.operatorOf(alice1.key)).toBe('alice');
    expect(keyring.operatorOf(alice2.key)).toBe('alice');
    expect(keyring.operatorOf(bob.key)).toBe('bob');
    expect(keyring.operatorNames).toEqual(['alice', 'bob']);
  });

  it('knows no key it was not given, nor a digest presented as a key', () => {
    expect(keyring.operatorOf(newOperatorKey('alice').key)).toBeNull();
    expect(keyring.operatorOf(operatorKeyDigest(alice1.key).toString('hex'))).toBeNull();
    expect(keyring.operatorOf(`${alice1.key}x`)).toBeNull();
  });

  it('makes keys that look like operator keys and never like a JWT, with the digest entry a service is given', () => {
    expect(alice1.key).toMatch(/^kop_[A-Za-z0-9_-]{43}$/);
    expect(alice1.key).toMatch(OPERATOR_KEY_PATTERN);
    expect(alice1.key).not.toContain('.');
    expect(alice1.digestEntry).toBe(`alice:${hex(alice1.key)}`);
    expect(() => newOperatorKey('Alice Smith')).toThrow('operator name');
  });
});
