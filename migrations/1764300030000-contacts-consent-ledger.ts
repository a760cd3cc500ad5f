import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contacts.consent_entries: the consent ledger, evidence of each grant and withdrawal per contact
 * and channel. Append-only in the database itself, so no code path (or psql session) can rewrite
 * history: UPDATE, DELETE and TRUNCATE raise. The one exception is a merge, which moves evidence
 * to the surviving contact: it may change `contact_id` and nothing else, and only after
 * `SET LOCAL contacts.consent_move = 'on'` in its own transaction.
 */
export class ContactsConsentLedger1764300030000 implements MigrationInterface {
  name = 'ContactsConsentLedger1764300030000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contacts.consent_entries (
        id uuid NOT NULL,
        contact_id uuid NOT NULL,
        channel character varying(16) NOT NULL,
        status character varying(16) NOT NULL,
        legal_basis character varying(32) NOT NULL,
        source character varying(200) NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        request_id character varying(128),
        actor_type character varying(16) NOT NULL,
        actor_id character varying(64) NOT NULL,
        CONSTRAINT consent_entries_pkey PRIMARY KEY (id),
        CONSTRAINT consent_entries_contact_fk FOREIGN KEY (contact_id) REFERENCES contacts.contacts (id),
        CONSTRAINT consent_entries_channel_check CHECK (channel IN ('email', 'phone', 'sms')),
        CONSTRAINT consent_entries_status_check CHECK (status IN ('granted', 'withdrawn')),
        CONSTRAINT consent_entries_legal_basis_check CHECK (legal_basis IN ('consent', 'contract', 'legitimate_interest', 'legal_obligation', 'vital_interest', 'public_task'))
      )`);
    await q.query(`CREATE INDEX consent_entries_contact_idx ON contacts.consent_entries (contact_id, channel, occurred_at, id)`);
    await q.query(`
      CREATE FUNCTION contacts.consent_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND coalesce(current_setting('contacts.consent_move', true), '') = 'on'
           AND (to_jsonb(NEW) - 'contact_id') = (to_jsonb(OLD) - 'contact_id') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'contacts.consent_entries is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_entries_append_only BEFORE UPDATE OR DELETE ON contacts.consent_entries
      FOR EACH ROW EXECUTE FUNCTION contacts.consent_entries_append_only()`);
    await q.query(`
      CREATE TRIGGER consent_entries_no_truncate BEFORE TRUNCATE ON contacts.consent_entries
      FOR EACH STATEMENT EXECUTE FUNCTION contacts.consent_entries_append_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contacts.consent_entries`);
    await q.query(`DROP FUNCTION contacts.consent_entries_append_only()`);
  }
}
