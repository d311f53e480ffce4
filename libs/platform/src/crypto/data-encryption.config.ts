import { IsDefined, IsString, ValidateBy, ValidationArguments } from 'class-validator';
import { DATA_KEY_BYTES, DATA_KEY_ID_PATTERN, decodeKey, parseDataEncryptionKeyList } from './data-encryption-keys';

/**
 * The environment of a service that keeps personal data encrypted (docs/data-at-rest.md). Loaded on
 * its own with `loadConfig(DataEncryptionConfig)` (a service's config class extends
 * BaseServiceConfig, and TypeScript has one base class), at boot, before anything is read or written:
 * a missing or malformed key stops the service with the variable's name, never the key.
 */
export class DataEncryptionConfig {
  /** Every key that may still be needed to decrypt: `kid:base64key,...` (32-byte keys). */
  @IsDefined({ message: '$property is required (kid:base64key[,kid:base64key...], 32-byte keys)' })
  @IsString()
  @ValidateBy({
    name: 'isDataEncryptionKeyList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseDataEncryptionKeyList(value).ok,
      defaultMessage: (args?: ValidationArguments) => {
        const parsed = typeof args?.value === 'string' ? parseDataEncryptionKeyList(args.value) : null;
        return `$property must be kid:base64key[,kid:base64key...] with ${DATA_KEY_BYTES}-byte keys${parsed && !parsed.ok ? `: ${parsed.problem}` : ''}`;
      },
    },
  })
  DATA_ENCRYPTION_KEYS!: string;

  /** The key new values are encrypted with; one of DATA_ENCRYPTION_KEYS. */
  @IsDefined({ message: '$property is required (the key id new values are encrypted with)' })
  @IsString()
  @ValidateBy({
    name: 'isKnownActiveKeyId',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        if (typeof value !== 'string' || !DATA_KEY_ID_PATTERN.test(value)) return false;
        const keys = (args?.object as Partial<DataEncryptionConfig> | undefined)?.DATA_ENCRYPTION_KEYS;
        const parsed = typeof keys === 'string' ? parseDataEncryptionKeyList(keys) : null;
        // A malformed key list is reported on its own variable; no second message here.
        return parsed === null || !parsed.ok || parsed.keys.has(value);
      },
      defaultMessage: () => '$property must be the id of one of the keys in DATA_ENCRYPTION_KEYS',
    },
  })
  DATA_ENCRYPTION_ACTIVE_KEY_ID!: string;

  /**
   * The HMAC-SHA256 key of the lookup hashes (equality search without the clear value). Separate
   * from the encryption keys: a lookup hash must stay the same across encryption-key rotations.
   */
  @IsDefined({ message: `$property is required (${DATA_KEY_BYTES} bytes of base64)` })
  @IsString()
  @ValidateBy({
    name: 'isSeparateLookupKey',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const key = typeof value === 'string' ? decodeKey(value) : null;
        if (key === null) return false;
        const keys = (args?.object as Partial<DataEncryptionConfig> | undefined)?.DATA_ENCRYPTION_KEYS;
        const parsed = typeof keys === 'string' ? parseDataEncryptionKeyList(keys) : null;
        return parsed === null || !parsed.ok || ![...parsed.keys.values()].some((encryptionKey) => encryptionKey.equals(key));
      },
      defaultMessage: () => `$property must be ${DATA_KEY_BYTES} bytes of base64, and not one of the DATA_ENCRYPTION_KEYS`,
    },
  })
  DATA_LOOKUP_KEY!: string;
}
