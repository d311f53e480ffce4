import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `app_presence_changed_at`: the `changedAt` of the last identity.user.app-presence-changed.v1
 * announced for the user (a device bound, or the last one signed out; docs/device-binding.md), so
 * the next one is always later (consumers keep the latest). Null until the first.
 */
export class AddUserAppPresence1765100000000 implements MigrationInterface {
  name = 'AddUserAppPresence1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN app_presence_changed_at timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN app_presence_changed_at`);
  }
}
