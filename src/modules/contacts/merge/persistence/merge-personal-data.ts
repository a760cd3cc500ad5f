import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor } from '../../../../platform/access/actor';
import { HoldsPersonalData, PersonalDataHolder } from '../../consent/personal-data-holders';
import { ContactEntity } from '../../persistence/contact.entity';

/**
 * Contact merges keep a full snapshot of every contact they merged, to undo the merge. For the
 * person's access request they are listed with the person's own snapshot. A merge that still
 * stands made its duplicates the same person as its primary: erasing the primary erases them
 * too (`absorbed`). An erasure replaces the person's snapshots with the erased rows and marks
 * the merge erased, so it can no longer be undone (an undo would split a person whose data is
 * gone, and could bring back nothing but anonymous rows).
 */
@Injectable()
@HoldsPersonalData()
export class ContactMergePersonalData implements PersonalDataHolder {
  readonly holder = 'contactMerges';
  readonly description = 'Merges the contact took part in, with the snapshots kept to undo them: the contact’s own, and those of the contacts merged into it';

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * The contact's own snapshots, and those of the contacts merged into it by merges that still
   * stand, directly or down a chain (they are the same person now, as erase() treats them):
   * the actor may read them as it may read the contact.
   */
  async export(_actor: Actor, contactId: string): Promise<Record<string, unknown>[]> {
    const rows: { id: string; created_at: Date; primary_id: string; undone_at: Date | null; erased_at: Date | null; snapshot: Record<string, unknown> | null; folded: Record<string, unknown> | null }[] =
      await this.txHost.tx.query(
        `SELECT id, created_at, primary_id, undone_at, erased_at, snapshots -> $1::text AS snapshot,
                CASE WHEN undone_at IS NULL AND primary_id = ANY($2::uuid[]) THEN snapshots - primary_id::text END AS folded
           FROM contacts.contact_merges
          WHERE snapshots ? $1::text OR (undone_at IS NULL AND primary_id = ANY($2::uuid[]))
          ORDER BY created_at, id`,
        [contactId, [contactId, ...(await this.absorbed(contactId))]],
      );
    return rows.map((r) => ({
      mergeId: r.id,
      mergedAt: new Date(r.created_at).toISOString(),
      role: r.primary_id === contactId ? 'primary' : r.snapshot ? 'duplicate' : 'merged-into-a-duplicate',
      undoneAt: r.undone_at ? new Date(r.undone_at).toISOString() : null,
      erasedAt: r.erased_at ? new Date(r.erased_at).toISOString() : null,
      snapshot: r.snapshot,
      // The contacts this merge folded into the person, as they were before it.
      mergedContacts: r.folded ?? {},
    }));
  }

  async erase(contactId: string): Promise<number> {
    const erased = await this.txHost.tx.getRepository(ContactEntity).findOne({ where: { id: contactId }, withDeleted: true });
    if (!erased) return 0;
    const [, count]: [unknown, number] = await this.txHost.tx.query(
      `UPDATE contacts.contact_merges SET snapshots = jsonb_set(snapshots, ARRAY[$1::text], $2::jsonb), erased_at = coalesce(erased_at, now())
       WHERE snapshots ? $1::text`,
      [contactId, JSON.stringify(erased)],
    );
    return count;
  }

  async absorbed(contactId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.txHost.tx.query(
      `WITH RECURSIVE folded(id) AS (
         SELECT unnest(duplicate_ids) FROM contacts.contact_merges WHERE primary_id = $1 AND undone_at IS NULL
         UNION
         SELECT unnest(m.duplicate_ids) FROM contacts.contact_merges m JOIN folded f ON m.primary_id = f.id WHERE m.undone_at IS NULL
       )
       SELECT id FROM folded WHERE id <> $1 ORDER BY id`,
      [contactId],
    );
    return rows.map((r) => r.id);
  }

  async absorbedBy(contactId: string): Promise<{ mergeId: string; primaryId: string } | null> {
    const rows: { merge_id: string; primary_id: string }[] = await this.txHost.tx.query(
      `WITH RECURSIVE up(merge_id, primary_id, depth) AS (
         SELECT id, primary_id, 1 FROM contacts.contact_merges WHERE $1::uuid = ANY(duplicate_ids) AND undone_at IS NULL
         UNION
         SELECT u.merge_id, m.primary_id, u.depth + 1 FROM up u JOIN contacts.contact_merges m ON u.primary_id = ANY(m.duplicate_ids) AND m.undone_at IS NULL WHERE u.depth < 100
       )
       SELECT merge_id, primary_id FROM up ORDER BY depth DESC LIMIT 1`,
      [contactId],
    );
    return rows[0] ? { mergeId: rows[0].merge_id, primaryId: rows[0].primary_id } : null;
  }
}
