import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * platform.jobs: the durable record of every job (status, progress, result) that the API
 * serves and the worker updates; BullMQ only executes. platform.outbox: events and jobs
 * written in the transaction of the change that caused them, moved to BullMQ by the relay.
 */
export class PlatformJobsOutbox1764200003000 implements MigrationInterface {
  name = 'PlatformJobsOutbox1764200003000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.jobs (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        queue_job_id character varying(200) NOT NULL,
        type character varying(100) NOT NULL,
        status character varying(16) NOT NULL DEFAULT 'queued',
        payload jsonb NOT NULL DEFAULT '{}',
        progress_done integer NOT NULL DEFAULT 0,
        progress_total integer,
        result jsonb,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        owner_id uuid,
        team_id uuid,
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT jobs_pkey PRIMARY KEY (id),
        CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
      )`);
    await q.query(`CREATE INDEX jobs_created_at_id_idx ON platform.jobs (created_at, id)`);
    await q.query(`CREATE INDEX jobs_status_created_at_idx ON platform.jobs (status, created_at)`);
    await q.query(`CREATE INDEX jobs_type_created_at_idx ON platform.jobs (type, created_at)`);
    await q.query(`CREATE INDEX jobs_finished_at_idx ON platform.jobs (finished_at)`);
    await q.query(`CREATE INDEX jobs_owner_id_created_at_idx ON platform.jobs (owner_id, created_at)`);

    await q.query(`
      CREATE TABLE platform.outbox (
        id uuid NOT NULL,
        topic character varying(100),
        payload jsonb NOT NULL DEFAULT '{}',
        job_name character varying(100),
        job_id uuid,
        job_options jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        CONSTRAINT outbox_pkey PRIMARY KEY (id),
        CONSTRAINT outbox_kind_check CHECK ((topic IS NULL) <> (job_name IS NULL))
      )`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON platform.outbox (created_at, id) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX outbox_published_at_idx ON platform.outbox (published_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS platform.outbox`);
    await q.query(`DROP TABLE IF EXISTS platform.jobs`);
  }
}
