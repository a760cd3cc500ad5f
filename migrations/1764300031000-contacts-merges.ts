import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contacts.contact_merges: one row per merge, with full snapshots of the contacts before it and
 * the receipt of what moved (activities, timeline entries, consent entries), so an undo puts
 * back exactly that.
 */
export class ContactsMerges1764300031000 implements MigrationInterface {
  name = 'ContactsMerges1764300031000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contacts.contact_merges (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        primary_id uuid NOT NULL,
        duplicate_ids uuid array NOT NULL,
        actor_type character varying(16) NOT NULL,
        actor_id character varying(64) NOT NULL,
        request_id character varying(128),
        snapshots jsonb NOT NULL,
        receipt jsonb NOT NULL,
        primary_version integer NOT NULL,
        undone_at timestamptz,
        undone_by character varying(64),
        CONSTRAINT contact_merges_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX contact_merges_primary_idx ON contacts.contact_merges (primary_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contacts.contact_merges`);
  }
}
