import { ValidateBy } from 'class-validator';
import { OperatorKeyring, parseOperatorKeyDigests } from './operator-keys';

/**
 * The operators a service lets in (docs/operations.md), read and validated once at boot: a bad
 * entry stops the service with a message naming the entry, never quoting it.
 */
export class OperatorAuthConfig {
  /**
   * `alice:<sha256 hex of alice's key>,bob:<...>`; an operator may appear more than once while a key
   * is rotated. Unset or empty: no operator can be authenticated, the operator endpoints say so.
   */
  @ValidateBy({
    name: 'isOperatorKeyDigests',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseOperatorKeyDigests(value).ok,
      defaultMessage: (args) => {
        const parsed = typeof args?.value === 'string' ? parseOperatorKeyDigests(args.value) : { ok: false as const, reason: 'must be a string' };
        return `$property ${parsed.ok ? 'is invalid' : parsed.reason}`;
      },
    },
  })
  OPERATOR_KEY_DIGESTS = '';
}

/** The keyring of a validated config. */
export function operatorKeyringOf(config: OperatorAuthConfig): OperatorKeyring {
  const parsed = parseOperatorKeyDigests(config.OPERATOR_KEY_DIGESTS);
  // loadConfig validated it; failing here would be a bug in the validator above.
  if (!parsed.ok) throw new Error(`OPERATOR_KEY_DIGESTS ${parsed.reason}`);
  return new OperatorKeyring(parsed.digests);
}
