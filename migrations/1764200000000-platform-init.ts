import { MigrationInterface, QueryRunner } from 'typeorm';

export class PlatformInit1764200000000 implements MigrationInterface {
  name = 'PlatformInit1764200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS platform`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS platform CASCADE`);
  }
}
