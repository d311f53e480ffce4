import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LookupHasher } from '@kirim/platform';
import { DataSource } from 'typeorm';
import { phoneLookupHash } from '../users/typeorm-user.repository';
import { bucketTakeValues, TAKE_AT_PARAMETERS_1_TO_5, takeBucketTokensSql } from '../payees/typeorm-payee-lookup-bucket.repository';
import { LookupHit, PayeeReference, PaymentPartyReader, PaymentPartyRecord } from './payment-party-reader';

interface PartyRow {
  readonly id: string;
  readonly display_name: string;
  readonly bank_code: string | null;
  readonly account_ref: string | null;
  readonly is_payer: boolean;
  readonly is_payee: boolean;
  readonly hit_taken: boolean;
}

/**
 * Both users and their primary accounts in one statement, by the primary key and the phone hash's
 * unique index, with the lookup's cost taken from the payer's bucket when the payer is found (the
 * bucket's own statement, as a CTE: one round trip and one transaction instead of two). `a.is_primary`
 * is written as a literal so the one-primary-per-user partial index serves the join under a generic
 * (prepared) plan too. One text per way the payee is named, so no parameter is ever null: with a
 * null one (the side not asked) PostgreSQL's custom plans drop that side and always cost less than
 * the generic plan, so it planned the read on every call (0.22 ms of planning to 0.06 ms of running,
 * docs/benchmarks.md) instead of reusing one plan. $1 is the payer, $2–$5 the bucket's values
 * (bucketTakeValues), $6 the payee.
 */
function readParties(payeeCondition: string | null): string {
  const take = takeBucketTokensSql(TAKE_AT_PARAMETERS_1_TO_5, 'EXISTS (SELECT 1 FROM parties WHERE is_payer)');
  return `
  WITH parties AS (
    SELECT u.id, u.display_name, a.bank_code, a.account_ref::text AS account_ref,
           u.id = $1::uuid AS is_payer, ${payeeCondition ?? 'false'} AS is_payee
      FROM users u
      LEFT JOIN linked_bank_accounts a ON a.user_id = u.id AND a.is_primary
     WHERE u.id = $1::uuid${payeeCondition === null ? '' : ` OR ${payeeCondition}`}
  ), hit AS (
    ${take}
  )
  SELECT p.*, EXISTS (SELECT 1 FROM hit) AS hit_taken FROM parties p`;
}

export const READ_PARTIES = {
  payeeByPhone: readParties('u.phone_hash = $6::char(43)'),
  payeeById: readParties('u.id = $6::uuid'),
  payerOnly: readParties(null),
} as const;

@Injectable()
export class TypeOrmPaymentPartyReader extends PaymentPartyReader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lookups: LookupHasher,
  ) {
    super();
  }

  async read(
    payerUserId: string,
    payee: PayeeReference | null,
    hit: LookupHit,
  ): Promise<{ payer: PaymentPartyRecord | null; payee: PaymentPartyRecord | null; hitTaken: boolean }> {
    // A number that cannot be hashed (not E.164) names nobody: only the payer is read.
    const payeeKey = payee === null ? null : 'phone' in payee ? phoneLookupHash(this.lookups, payee.phone) : payee.userId;
    const bucket = bucketTakeValues(hit.cost, hit.now, hit.policy);
    const [text, parameters] =
      payee === null || payeeKey === null
        ? [READ_PARTIES.payerOnly, [payerUserId, ...bucket]]
        : ['phone' in payee ? READ_PARTIES.payeeByPhone : READ_PARTIES.payeeById, [payerUserId, ...bucket, payeeKey]];
    const rows: PartyRow[] = await this.dataSource.query(text, parameters);
    const payerRow = rows.find((row) => row.is_payer);
    const payeeRow = rows.find((row) => row.is_payee);
    return { payer: payerRow ? toRecord(payerRow) : null, payee: payeeRow ? toRecord(payeeRow) : null, hitTaken: payerRow?.hit_taken ?? false };
  }
}

function toRecord(row: PartyRow): PaymentPartyRecord {
  return {
    userId: row.id,
    displayName: row.display_name,
    primaryAccount: row.bank_code !== null && row.account_ref !== null ? { bankCode: row.bank_code, accountRef: row.account_ref } : null,
  };
}
