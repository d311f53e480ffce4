import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Freezes on sandbox accounts (SandboxAccountEntity.freeze; FREEZE is a reserved word in PostgreSQL,
 * hence freeze_kind): none, credit (no money in), debit (no money out) or total. Existing accounts
 * start unfrozen; settlement accounts can never be frozen, as they take one side of every leg at
 * their bank.
 */
export class AddSandboxAccountFreeze1764730000000 implements MigrationInterface {
  name = 'AddSandboxAccountFreeze1764730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE sandbox_accounts
        ADD COLUMN freeze_kind varchar(6) NOT NULL DEFAULT 'none',
        ADD CONSTRAINT sandbox_accounts_freeze_check CHECK (freeze_kind IN ('none', 'credit', 'debit', 'total')),
        ADD CONSTRAINT sandbox_accounts_settlement_never_frozen CHECK (kind <> 'settlement' OR freeze_kind = 'none')
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sandbox_accounts DROP COLUMN freeze_kind`);
  }
}
