import type { EncryptedTable } from '@kirim/platform';

/**
 * What of a sandbox account is encrypted at rest (docs/data-at-rest.md): the account number, the
 * holder's name and the mobile number, each under its own purpose (a ciphertext does not decrypt in
 * another column). The account number and the mobile also have a keyed hash: the mobile because
 * accounts are found by it, the account number to keep it unique without storing it.
 */
export const SANDBOX_ACCOUNT_PURPOSES = {
  ACCOUNT_NUMBER: 'sandbox_accounts.account_number',
  HOLDER_NAME: 'sandbox_accounts.holder_name',
  MOBILE: 'sandbox_accounts.mobile',
} as const;

/** The table as the re-encryption job walks it (reencrypt-data.ts). */
export const SANDBOX_ACCOUNTS_ENCRYPTED: EncryptedTable = {
  table: 'sandbox_accounts',
  idColumn: 'id',
  idType: 'uuid',
  columns: [
    { column: 'account_number_encrypted', purpose: SANDBOX_ACCOUNT_PURPOSES.ACCOUNT_NUMBER },
    { column: 'holder_name_encrypted', purpose: SANDBOX_ACCOUNT_PURPOSES.HOLDER_NAME },
    { column: 'mobile_encrypted', purpose: SANDBOX_ACCOUNT_PURPOSES.MOBILE },
  ],
};

/** Every table of bank-connector with encrypted columns. */
export const BANK_CONNECTOR_ENCRYPTED_TABLES: readonly EncryptedTable[] = [SANDBOX_ACCOUNTS_ENCRYPTED];
