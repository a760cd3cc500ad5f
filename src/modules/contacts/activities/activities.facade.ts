import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor, scopeOf } from '../../../platform/access/actor';
import { allResources } from '../../../platform/access/resources';
import { NotificationsService } from '../../../platform/notifications/notifications.service';
import { PositionalParams } from '../../../platform/query/sql';
import { scopeCondition } from '../../../platform/records/scope';
import type { MeetingAttendee } from './domain/activity.types';

export type MergeableSubject = 'contact' | 'company';

/** What a move changed, kept by the caller (the merge record) to undo it. */
export interface SubjectMoveReceipt {
  type: MergeableSubject;
  toId: string;
  moved: {
    fromId: string;
    /** Activities that were linked to the duplicate. */
    activityIds: string[];
    /** Of those, the ones already linked to the primary too (the primary keeps them on undo). */
    sharedActivityIds: string[];
    timelineEntryIds: string[];
    /** Meetings whose attendees named the duplicate contact: the positions that name the primary now (absent on older receipts). */
    attendees?: { activityId: string; indexes: number[] }[];
  }[];
}

/** Everything activities and timelines hold about one contact (GET /contacts/{id}/personal-data). */
export interface ContactActivityData {
  activities: {
    id: string;
    type: string;
    subject: string | null;
    body: string | null;
    occurredAt: string;
    from: string | null;
    to: string[];
    attendees: unknown[];
  }[];
  timelineEntries: { id: string; event: string; occurredAt: string; summary: string | null }[];
}

export const ERASED = '[erased]';

/**
 * What the rest of the contacts module asks of activities and timelines. Runs in the caller's
 * transaction (a merge moves everything in one).
 */
@Injectable()
export class ActivitiesFacade {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Merging: the activities and timeline entries of the duplicates now relate to the primary,
   * and so do meeting attendees that named a duplicate contact. An activity already linked to
   * the primary keeps one link; the receipt lists exactly what moved, so `undoMove` puts back
   * only that. Each activity that changed is a new version (its ETag changes).
   */
  @Transactional()
  async moveSubject(type: MergeableSubject, fromIds: readonly string[], toId: string): Promise<SubjectMoveReceipt> {
    const tx = this.txHost.tx;
    const receipt: SubjectMoveReceipt = { type, toId, moved: [] };
    const changed = new Set<string>();
    for (const fromId of fromIds.filter((id) => id !== toId)) {
      // TypeORM answers a DELETE/UPDATE … RETURNING with [rows, affected].
      const [links]: [{ activity_id: string }[], number] = await tx.query(
        `DELETE FROM contacts.activity_links WHERE subject_type = $1 AND subject_id = $2 RETURNING activity_id`,
        [type, fromId],
      );
      const activityIds = links.map((l) => l.activity_id);
      const shared: { activity_id: string }[] = activityIds.length
        ? await tx.query(`SELECT activity_id FROM contacts.activity_links WHERE subject_type = $1 AND subject_id = $2 AND activity_id = ANY($3::uuid[])`, [type, toId, activityIds])
        : [];
      if (activityIds.length) {
        await tx.query(
          `INSERT INTO contacts.activity_links (activity_id, subject_type, subject_id)
           SELECT unnest($1::uuid[]), $2, $3 ON CONFLICT DO NOTHING`,
          [activityIds, type, toId],
        );
      }
      // An event that already names the primary keeps its own entry; the duplicate's copy goes.
      await tx.query(
        `DELETE FROM contacts.timeline_entries d WHERE d.subject_type = $1 AND d.subject_id = $2
           AND EXISTS (SELECT 1 FROM contacts.timeline_entries p WHERE p.source_event_id = d.source_event_id AND p.subject_type = $1 AND p.subject_id = $3)`,
        [type, fromId, toId],
      );
      const [entries]: [{ id: string }[], number] = await tx.query(
        `UPDATE contacts.timeline_entries SET subject_id = $3 WHERE subject_type = $1 AND subject_id = $2 RETURNING id`,
        [type, fromId, toId],
      );
      const attendees = type === 'contact' ? await this.moveAttendees(fromId, toId) : [];
      for (const id of [...activityIds, ...attendees.map((a) => a.activityId)]) changed.add(id);
      receipt.moved.push({ fromId, activityIds, sharedActivityIds: shared.map((r) => r.activity_id), timelineEntryIds: entries.map((e) => e.id), attendees });
    }
    await this.bumpVersions([...changed]);
    return receipt;
  }

  /** Attendees naming `fromId` name `toId` instead; returns the positions changed, by meeting. */
  private async moveAttendees(fromId: string, toId: string): Promise<{ activityId: string; indexes: number[] }[]> {
    const [rows]: [{ id: string; indexes: number[] }[], number] = await this.txHost.tx.query(
      `WITH hit AS (
         SELECT a.id, array_agg((t.i - 1)::int ORDER BY t.i) AS indexes
           FROM contacts.activities a CROSS JOIN LATERAL jsonb_array_elements(a.attendees) WITH ORDINALITY t(x, i)
          WHERE a.attendees @> jsonb_build_array(jsonb_build_object('contactId', $1::text)) AND t.x->>'contactId' = $1::text
          GROUP BY a.id)
       UPDATE contacts.activities a SET attendees = COALESCE((
           SELECT jsonb_agg(CASE WHEN (t.i - 1)::int = ANY(hit.indexes) THEN jsonb_set(t.x, '{contactId}', to_jsonb($2::text)) ELSE t.x END ORDER BY t.i)
             FROM jsonb_array_elements(a.attendees) WITH ORDINALITY t(x, i)), '[]'::jsonb)
         FROM hit WHERE a.id = hit.id
       RETURNING a.id, hit.indexes`,
      [fromId, toId],
    );
    return rows.map((r) => ({ activityId: r.id, indexes: r.indexes })).sort((a, b) => a.activityId.localeCompare(b.activityId));
  }

  /** Undo of `moveAttendees`: the positions it changed that still name `toId` name `fromId` again. */
  private async moveBackAttendees(moved: readonly { activityId: string; indexes: number[] }[], fromId: string, toId: string): Promise<void> {
    if (!moved.length) return;
    await this.txHost.tx.query(
      `UPDATE contacts.activities a SET attendees = COALESCE((
           SELECT jsonb_agg(CASE WHEN (t.i - 1)::int = ANY(r.indexes) AND t.x->>'contactId' = $2::text THEN jsonb_set(t.x, '{contactId}', to_jsonb($3::text)) ELSE t.x END ORDER BY t.i)
             FROM jsonb_array_elements(a.attendees) WITH ORDINALITY t(x, i)), '[]'::jsonb)
         FROM (SELECT (e->>'activityId')::uuid AS id, ARRAY(SELECT jsonb_array_elements_text(e->'indexes')::int) AS indexes
                 FROM jsonb_array_elements($1::jsonb) e) r
        WHERE a.id = r.id`,
      [JSON.stringify(moved), toId, fromId],
    );
  }

  /** What relates to an activity is part of it: a merge (or its undo) that moved its links or attendees makes it a new version. */
  private async bumpVersions(activityIds: readonly string[]): Promise<void> {
    if (!activityIds.length) return;
    await this.txHost.tx.query(`UPDATE contacts.activities SET version = version + 1, updated_at = now() WHERE id = ANY($1::uuid[])`, [activityIds]);
  }

  /** Undoing a merge: what moved goes back to the duplicates it came from (each activity concerned a new version again). */
  @Transactional()
  async undoMove(receipt: SubjectMoveReceipt): Promise<void> {
    const tx = this.txHost.tx;
    const changed = new Set<string>();
    for (const m of receipt.moved) {
      for (const id of [...m.activityIds, ...(m.attendees ?? []).map((a) => a.activityId)]) changed.add(id);
      await this.moveBackAttendees(m.attendees ?? [], m.fromId, receipt.toId);
      if (m.activityIds.length) {
        await tx.query(
          `INSERT INTO contacts.activity_links (activity_id, subject_type, subject_id)
           SELECT a.id, $2, $3 FROM contacts.activities a WHERE a.id = ANY($1::uuid[]) ON CONFLICT DO NOTHING`,
          [m.activityIds, receipt.type, m.fromId],
        );
        // The primary keeps a link only where it had one of its own before the merge.
        await tx.query(
          `DELETE FROM contacts.activity_links WHERE subject_type = $2 AND subject_id = $3 AND activity_id = ANY($1::uuid[])
             AND activity_id <> ALL($4::uuid[])`,
          [m.activityIds, receipt.type, receipt.toId, m.sharedActivityIds],
        );
      }
      if (m.timelineEntryIds.length) {
        await tx.query(`UPDATE contacts.timeline_entries SET subject_id = $2 WHERE id = ANY($1::uuid[])`, [m.timelineEntryIds, m.fromId]);
      }
    }
    await this.bumpVersions([...changed]);
  }

  /**
   * The activities related to a contact and its timeline entries that the actor may read, as
   * its timeline shows them (each activity by the actor's activities scope, each entry by the
   * scope on the record it reports on), deleted activities included. The caller has checked
   * that the actor may read the contact.
   */
  async personalDataOf(actor: Actor, contactId: string): Promise<ContactActivityData> {
    const tx = this.txHost.tx;
    const ap = new PositionalParams();
    const contact = ap.bind(contactId);
    const activities: { id: string; type: string; subject: string | null; body: string | null; occurred_at: Date; email_from: string | null; email_to: string[]; attendees: unknown[] }[] =
      await tx.query(
        `SELECT a.id, a.type, a.subject, a.body, a.occurred_at, a.email_from, a.email_to, a.attendees FROM contacts.activities a
         JOIN contacts.activity_links l ON l.activity_id = a.id AND l.subject_type = 'contact' AND l.subject_id = ${contact}
         WHERE ${scopeCondition(scopeOf(actor, 'activities', 'read'), actor, 'a', ap)}
         ORDER BY a.occurred_at, a.id`,
        ap.values,
      );
    const ep = new PositionalParams();
    const subject = ep.bind(contactId);
    const known = allResources();
    const perResource = known.map((resource) => `(e.resource = ${ep.bind(resource)} AND ${scopeCondition(scopeOf(actor, resource, 'read'), actor, 'e', ep)})`);
    const entries: { id: string; event: string; occurred_at: Date; summary: string | null }[] = await tx.query(
      `SELECT e.id, e.event, e.occurred_at, e.summary FROM contacts.timeline_entries e
       WHERE e.subject_type = 'contact' AND e.subject_id = ${subject}
         AND (e.resource IS NULL OR NOT (e.resource = ANY(${ep.bind(known)}::text[])) OR ${perResource.join(' OR ')})
       ORDER BY e.occurred_at, e.id`,
      ep.values,
    );
    return {
      activities: activities.map((a) => ({
        id: a.id,
        type: a.type,
        subject: a.subject,
        body: a.body,
        occurredAt: new Date(a.occurred_at).toISOString(),
        from: a.email_from,
        to: a.email_to,
        attendees: a.attendees,
      })),
      timelineEntries: entries.map((e) => ({ id: e.id, event: e.event, occurredAt: new Date(e.occurred_at).toISOString(), summary: e.summary })),
    };
  }

  /**
   * Erasure (cannot be undone): the person's addresses leave every activity related to them;
   * the text of activities about them alone, and their timeline summaries, become "[erased]".
   * Activities shared with other contacts keep their text for those people, with every mention
   * of the person in it (subject, body, outcome, attendee names) passed through `redact`; the
   * erased contact stays linked, as an anonymous record. Whatever the caller's scope: the
   * person must be gone everywhere. Ids and types stay, so counts and reports still add up.
   * The notifications about these activities (task reminders, any user's) quote their text
   * and get the same treatment: blanked, or the person's mentions redacted.
   * Not audited here: a diff would copy the very data being erased into the audit log; the
   * caller audits the erasure itself and rewrites the activities' history (hence the ids).
   */
  @Transactional()
  async eraseContact(
    contactId: string,
    emails: readonly string[],
    redact: (text: string) => string,
  ): Promise<{ activities: number; timelineEntries: number; soleActivityIds: string[]; sharedActivityIds: string[] }> {
    const tx = this.txHost.tx;
    const lowered = emails.map((e) => e.toLowerCase());
    const [rows]: [{ id: string; sole: boolean }[], number] = await tx.query(
      `UPDATE contacts.activities a SET
         version = a.version + 1, updated_at = now(),
         email_from = CASE WHEN lower(a.email_from) = ANY($2::text[]) THEN NULL ELSE a.email_from END,
         email_to = ARRAY(SELECT t FROM unnest(a.email_to) t WHERE NOT (lower(t) = ANY($2::text[]))),
         attendees = COALESCE((
           SELECT jsonb_agg(CASE WHEN x->>'contactId' = $1::text OR lower(x->>'email') = ANY($2::text[])
                                 THEN jsonb_build_object('name', NULL, 'email', NULL, 'contactId', x->'contactId') ELSE x END)
           FROM jsonb_array_elements(a.attendees) x), '[]'::jsonb),
         subject = CASE WHEN only_me.sole AND a.subject IS NOT NULL THEN $3 ELSE a.subject END,
         body = CASE WHEN only_me.sole AND a.body IS NOT NULL THEN $3 ELSE a.body END,
         outcome = CASE WHEN only_me.sole AND a.outcome IS NOT NULL THEN $3 ELSE a.outcome END
       FROM (SELECT l.activity_id, NOT EXISTS (SELECT 1 FROM contacts.activity_links o WHERE o.activity_id = l.activity_id
                                                AND NOT (o.subject_type = 'contact' AND o.subject_id = $1)) AS sole
             FROM contacts.activity_links l WHERE l.subject_type = 'contact' AND l.subject_id = $1) only_me
       WHERE a.id = only_me.activity_id
       RETURNING a.id, only_me.sole`,
      [contactId, lowered, ERASED],
    );
    const sharedActivityIds = rows.filter((r) => !r.sole).map((r) => r.id);
    if (sharedActivityIds.length) {
      const shared: { id: string; subject: string | null; body: string | null; outcome: string | null; attendees: MeetingAttendee[] }[] = await tx.query(
        `SELECT id, subject, body, outcome, attendees FROM contacts.activities WHERE id = ANY($1::uuid[])`,
        [sharedActivityIds],
      );
      for (const a of shared) {
        const text = (v: string | null) => (v === null ? null : redact(v));
        const attendees = (a.attendees ?? []).map((x) => (typeof x?.name === 'string' ? { ...x, name: redact(x.name) } : x));
        await tx.query(`UPDATE contacts.activities SET subject = $2, body = $3, outcome = $4, attendees = $5::jsonb WHERE id = $1`, [
          a.id,
          text(a.subject),
          text(a.body),
          text(a.outcome),
          JSON.stringify(attendees),
        ]);
      }
    }
    const [, entries]: [unknown, number] = await tx.query(
      `UPDATE contacts.timeline_entries SET summary = $2 WHERE subject_type = 'contact' AND subject_id = $1 AND summary IS NOT NULL`,
      [contactId, ERASED],
    );
    const soleActivityIds = rows.filter((r) => r.sole).map((r) => r.id);
    await this.notifications.rewriteAbout('activities', soleActivityIds, () => ERASED);
    await this.notifications.rewriteAbout('activities', sharedActivityIds, redact);
    return { activities: rows.length, timelineEntries: entries, soleActivityIds, sharedActivityIds };
  }
}
