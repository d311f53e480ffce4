import type { EncryptedTable } from '@kirim/platform';

/**
 * What of identity's data is encrypted at rest (docs/data-at-rest.md), each column under its own
 * purpose (a ciphertext does not decrypt in another column). The repository adapters alone use
 * these: use cases give and get clear values.
 *
 * - users.phone: the number a user is known by, with a keyed hash (`phone_hash`, unique) because
 *   users are found by it (sign-in, payee resolution by phone, device binding);
 * - device_bindings.phone: the number a binding is for, read back by id or token only, so no hash;
 * - linked_bank_accounts.holder_name: the bank-registered name, shown masked to payers.
 */
export const IDENTITY_PURPOSES = {
  USER_PHONE: 'users.phone',
  DEVICE_BINDING_PHONE: 'device_bindings.phone',
  LINKED_ACCOUNT_HOLDER_NAME: 'linked_bank_accounts.holder_name',
} as const;

/** The kind of keyed hash an attempt counter is stored under (its bucket may name a phone number). */
export const ATTEMPT_COUNTER_HASH_KIND = 'attempt-counter';

/** Every table of identity with encrypted columns, as the re-encryption job walks them (reencrypt-data.ts). */
export const IDENTITY_ENCRYPTED_TABLES: readonly EncryptedTable[] = [
  { table: 'users', idColumn: 'id', idType: 'uuid', columns: [{ column: 'phone_encrypted', purpose: IDENTITY_PURPOSES.USER_PHONE }] },
  { table: 'device_bindings', idColumn: 'id', idType: 'uuid', columns: [{ column: 'phone_encrypted', purpose: IDENTITY_PURPOSES.DEVICE_BINDING_PHONE }] },
  { table: 'linked_bank_accounts', idColumn: 'id', idType: 'uuid', columns: [{ column: 'holder_name_encrypted', purpose: IDENTITY_PURPOSES.LINKED_ACCOUNT_HOLDER_NAME }] },
];
