import type { EncryptedTable } from '@kirim/platform';

/**
 * What of notifications' data is encrypted at rest (docs/data-at-rest.md), each column under its own
 * purpose (a ciphertext does not decrypt in another column). Only the repository adapter uses these:
 * use cases give and get clear secrets.
 *
 * - merchant_webhook_endpoints.secret: the secret every delivery to the endpoint is signed with;
 * - merchant_webhook_endpoints.previous_secret: the one before the last rotation, signing beside it
 *   until its overlap ends.
 *
 * Both are keys a merchant's systems trust: whoever reads one can forge kirim's webhooks to that merchant.
 */
export const NOTIFICATIONS_PURPOSES = {
  MERCHANT_WEBHOOK_SECRET: 'merchant_webhook_endpoints.secret',
  MERCHANT_WEBHOOK_PREVIOUS_SECRET: 'merchant_webhook_endpoints.previous_secret',
} as const;

/** Every table of notifications with encrypted columns, as the re-encryption job walks them (reencrypt-data.ts). */
export const NOTIFICATIONS_ENCRYPTED_TABLES: readonly EncryptedTable[] = [
  {
    table: 'merchant_webhook_endpoints',
    idColumn: 'id',
    idType: 'uuid',
    columns: [
      { column: 'secret_encrypted', purpose: NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_SECRET },
      { column: 'previous_secret_encrypted', purpose: NOTIFICATIONS_PURPOSES.MERCHANT_WEBHOOK_PREVIOUS_SECRET },
    ],
  },
];
