import { MigrationInterface, QueryRunner } from 'typeorm';

/** Merchants' refunds (docs/merchants.md) are legs of their own purpose, `refund`, at the sandbox banks and partner banks alike. */
export class AllowRefundLegs1764740000000 implements MigrationInterface {
  name = 'AllowRefundLegs1764740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE sandbox_postings DROP CONSTRAINT sandbox_postings_purpose_check,
        ADD CONSTRAINT sandbox_postings_purpose_check CHECK (purpose IN ('payment', 'reversal', 'refund', 'opening'))`);
    await queryRunner.query(`
      ALTER TABLE partner_legs DROP CONSTRAINT partner_legs_purpose_check,
        ADD CONSTRAINT partner_legs_purpose_check CHECK (purpose IN ('payment', 'reversal', 'refund'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A recorded refund cannot be made another purpose: with refunds on record, stop instead.
    const [{ count }] = (await queryRunner.query(
      `SELECT (SELECT count(*) FROM sandbox_postings WHERE purpose = 'refund') + (SELECT count(*) FROM partner_legs WHERE purpose = 'refund') AS count`,
    )) as [{ count: string }];
    if (Number(count) > 0) throw new Error(`${count} refund legs are recorded; reverting would make them invalid`);
    await queryRunner.query(`
      ALTER TABLE partner_legs DROP CONSTRAINT partner_legs_purpose_check,
        ADD CONSTRAINT partner_legs_purpose_check CHECK (purpose IN ('payment', 'reversal'))`);
    await queryRunner.query(`
      ALTER TABLE sandbox_postings DROP CONSTRAINT sandbox_postings_purpose_check,
        ADD CONSTRAINT sandbox_postings_purpose_check CHECK (purpose IN ('payment', 'reversal', 'opening'))`);
  }
}
