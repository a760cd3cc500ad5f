import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contacts.activities (notes, calls, meetings, logged emails, tasks), what each relates to
 * (contacts.activity_links, typed so deals and tickets attach later), and
 * contacts.timeline_entries: what other modules' events put on a contact's or company's timeline.
 */
export class ContactsActivities1764300010000 implements MigrationInterface {
  name = 'ContactsActivities1764300010000';

  public async up(q: QueryRunner): Promise<void> {
    // The contacts core migration creates the schema too; whichever runs first wins.
    await q.query(`CREATE SCHEMA IF NOT EXISTS contacts`);
    await q.query(`
      CREATE TABLE contacts.activities (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        deleted_at timestamptz,
        owner_id uuid,
        team_id uuid,
        type character varying(16) NOT NULL,
        subject character varying(500),
        body text,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        direction character varying(3),
        duration_seconds integer,
        outcome character varying(100),
        start_at timestamptz,
        end_at timestamptz,
        attendees jsonb NOT NULL DEFAULT '[]',
        email_from character varying(320),
        email_to text array NOT NULL DEFAULT '{}',
        assignee_id uuid,
        due_at timestamptz,
        status character varying(16),
        priority character varying(8),
        remind_at timestamptz,
        reminder_sent_at timestamptz,
        completed_at timestamptz,
        CONSTRAINT activities_pkey PRIMARY KEY (id),
        CONSTRAINT activities_type_check CHECK (type IN ('note', 'call', 'meeting', 'email', 'task')),
        CONSTRAINT activities_direction_check CHECK (direction IS NULL OR direction IN ('in', 'out')),
        CONSTRAINT activities_duration_check CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
        CONSTRAINT activities_status_check CHECK (status IS NULL OR status IN ('open', 'done', 'cancelled')),
        CONSTRAINT activities_priority_check CHECK (priority IS NULL OR priority IN ('low', 'normal', 'high')),
        CONSTRAINT activities_meeting_span_check CHECK (end_at IS NULL OR start_at IS NULL OR end_at >= start_at)
      )`);
    await q.query(`CREATE INDEX activities_created_at_id_idx ON contacts.activities (created_at, id)`);
    await q.query(`CREATE INDEX activities_occurred_at_id_idx ON contacts.activities (occurred_at, id)`);
    await q.query(`CREATE INDEX activities_owner_id_idx ON contacts.activities (owner_id)`);
    await q.query(`CREATE INDEX activities_team_id_idx ON contacts.activities (team_id)`);
    await q.query(`CREATE INDEX activities_assignee_due_idx ON contacts.activities (assignee_id, due_at)`);
    // The reminder sweep's question: which open tasks have a reminder due and not sent.
    await q.query(
      `CREATE INDEX activities_pending_reminder_idx ON contacts.activities (remind_at) WHERE reminder_sent_at IS NULL AND remind_at IS NOT NULL AND deleted_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE contacts.activity_links (
        activity_id uuid NOT NULL,
        subject_type character varying(16) NOT NULL,
        subject_id uuid NOT NULL,
        CONSTRAINT activity_links_pkey PRIMARY KEY (activity_id, subject_type, subject_id),
        CONSTRAINT activity_links_subject_type_check CHECK (subject_type IN ('contact', 'company', 'deal', 'ticket')),
        CONSTRAINT activity_links_activity_fk FOREIGN KEY (activity_id) REFERENCES contacts.activities (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX activity_links_subject_idx ON contacts.activity_links (subject_type, subject_id, activity_id)`);

    await q.query(`
      CREATE TABLE contacts.timeline_entries (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        subject_type character varying(16) NOT NULL,
        subject_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        event character varying(100) NOT NULL,
        source_event_id uuid NOT NULL,
        resource character varying(64),
        record_id uuid,
        owner_id uuid,
        team_id uuid,
        summary character varying(500),
        CONSTRAINT timeline_entries_pkey PRIMARY KEY (id),
        CONSTRAINT timeline_entries_subject_type_check CHECK (subject_type IN ('contact', 'company')),
        CONSTRAINT timeline_entries_source_subject_key UNIQUE (source_event_id, subject_type, subject_id)
      )`);
    await q.query(`CREATE INDEX timeline_entries_subject_idx ON contacts.timeline_entries (subject_type, subject_id, occurred_at, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS contacts.timeline_entries`);
    await q.query(`DROP TABLE IF EXISTS contacts.activity_links`);
    await q.query(`DROP TABLE IF EXISTS contacts.activities`);
  }
}
