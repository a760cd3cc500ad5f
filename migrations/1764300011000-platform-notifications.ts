import { MigrationInterface, QueryRunner } from 'typeorm';

/** platform.notifications: what GET /api/v1/notifications lists for each user (task reminders, …). */
export class PlatformNotifications1764300011000 implements MigrationInterface {
  name = 'PlatformNotifications1764300011000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.notifications (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        user_id uuid NOT NULL,
        kind character varying(64) NOT NULL,
        title character varying(300) NOT NULL,
        body text,
        resource character varying(64),
        record_id uuid,
        dedupe_key character varying(200),
        read_at timestamptz,
        CONSTRAINT notifications_pkey PRIMARY KEY (id),
        CONSTRAINT notifications_dedupe_key_key UNIQUE (dedupe_key)
      )`);
    await q.query(`CREATE INDEX notifications_user_created_idx ON platform.notifications (user_id, created_at, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS platform.notifications`);
  }
}
