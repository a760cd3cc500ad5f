import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CSV imports that write: `external_id` on contacts and companies (an import's match key, unique
 * among live records), the imports themselves with their report and the row they have committed
 * up to (a resumed run starts after it), the receipt of every record an import created or
 * updated (with the row before, for the revert), and the uploaded files, kept in Postgres as
 * ordered chunks so that the api that received a file and the worker that reads it need not
 * share a disk.
 */
export class ContactsImports1764300040000 implements MigrationInterface {
  name = 'ContactsImports1764300040000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.contacts ADD external_id varchar(200)`);
    await q.query(`ALTER TABLE contacts.companies ADD external_id varchar(200)`);
    // Deleted records keep their external id; a live one may take it again.
    await q.query(`CREATE UNIQUE INDEX contacts_external_id_uq ON contacts.contacts (external_id) WHERE deleted_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX companies_external_id_uq ON contacts.companies (external_id) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE contacts.imports (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        owner_id uuid,
        team_id uuid,
        actor_type varchar(16) NOT NULL,
        actor_id varchar(64) NOT NULL,
        entity varchar(16) NOT NULL,
        mode varchar(16) NOT NULL,
        match_by varchar(16),
        options jsonb NOT NULL,
        file_name varchar(255),
        file_bytes bigint NOT NULL DEFAULT 0,
        status varchar(16) NOT NULL DEFAULT 'queued',
        rows_read integer NOT NULL DEFAULT 0,
        created integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        errors_truncated boolean NOT NULL DEFAULT false,
        rows_committed integer NOT NULL DEFAULT 0,
        error text,
        job_id uuid,
        revert_job_id uuid,
        started_at timestamptz,
        finished_at timestamptz,
        reverted_at timestamptz,
        CONSTRAINT imports_pkey PRIMARY KEY (id),
        CONSTRAINT imports_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed', 'reverting', 'reverted'))
      )`);
    await q.query(`CREATE INDEX imports_created_idx ON contacts.imports (created_at, id)`);
    await q.query(`CREATE INDEX imports_owner_idx ON contacts.imports (owner_id)`);
    await q.query(`CREATE INDEX imports_team_idx ON contacts.imports (team_id)`);

    await q.query(`
      CREATE TABLE contacts.import_changes (
        import_id uuid NOT NULL,
        record_id uuid NOT NULL,
        action varchar(8) NOT NULL,
        before jsonb,
        CONSTRAINT import_changes_pkey PRIMARY KEY (import_id, record_id),
        CONSTRAINT import_changes_import_fk FOREIGN KEY (import_id) REFERENCES contacts.imports (id) ON DELETE CASCADE,
        CONSTRAINT import_changes_action_check CHECK (action IN ('created', 'updated'))
      )`);

    // No foreign key: chunks are written while the upload streams in, before the import row exists.
    await q.query(`
      CREATE TABLE contacts.import_uploads (
        upload_id uuid NOT NULL,
        seq integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        data bytea NOT NULL,
        CONSTRAINT import_uploads_pkey PRIMARY KEY (upload_id, seq)
      )`);
    await q.query(`CREATE INDEX import_uploads_created_idx ON contacts.import_uploads (created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contacts.import_uploads`);
    await q.query(`DROP TABLE contacts.import_changes`);
    await q.query(`DROP TABLE contacts.imports`);
    await q.query(`DROP INDEX contacts.companies_external_id_uq`);
    await q.query(`DROP INDEX contacts.contacts_external_id_uq`);
    await q.query(`ALTER TABLE contacts.companies DROP COLUMN external_id`);
    await q.query(`ALTER TABLE contacts.contacts DROP COLUMN external_id`);
  }
}
