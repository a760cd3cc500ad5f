import { MigrationInterface, QueryRunner } from 'typeorm';

export class PlatformAuditLog1764200002000 implements MigrationInterface {
  name = 'PlatformAuditLog1764200002000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.audit_log (
        id uuid NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_type varchar(16) NOT NULL,
        actor_id varchar(64) NOT NULL,
        request_id varchar(128),
        resource varchar(64) NOT NULL,
        record_id uuid,
        action varchar(32) NOT NULL,
        changes jsonb,
        CONSTRAINT audit_log_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX audit_log_record_idx ON platform.audit_log (resource, record_id, occurred_at, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON platform.audit_log (actor_id, occurred_at, id)`);
    await q.query(`CREATE INDEX audit_log_occurred_idx ON platform.audit_log (occurred_at, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS platform.audit_log`);
  }
}
