import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { HoldsPersonalData, PersonalDataHolder } from '../../consent/personal-data-holders';
import { ContactEntity } from '../../persistence/contact.entity';

/**
 * Contact merges keep a full snapshot of every contact they merged, to undo the merge. For the
 * person's access request they are listed with the person's own snapshot; an erasure replaces
 * that snapshot with the erased row, so a later undo puts back the anonymous values, never the
 * erased ones.
 */
@Injectable()
@HoldsPersonalData()
export class ContactMergePersonalData implements PersonalDataHolder {
  readonly holder = 'contactMerges';
  readonly description = 'Merges the contact took part in, with the snapshot of the contact kept to undo the merge';

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async export(contactId: string): Promise<Record<string, unknown>[]> {
    const rows: { id: string; created_at: Date; primary_id: string; undone_at: Date | null; snapshot: Record<string, unknown> }[] = await this.txHost.tx.query(
      `SELECT id, created_at, primary_id, undone_at, snapshots -> $1::text AS snapshot
       FROM contacts.contact_merges WHERE snapshots ? $1::text ORDER BY created_at, id`,
      [contactId],
    );
    return rows.map((r) => ({
      mergeId: r.id,
      mergedAt: new Date(r.created_at).toISOString(),
      role: r.primary_id === contactId ? 'primary' : 'duplicate',
      undoneAt: r.undone_at ? new Date(r.undone_at).toISOString() : null,
      snapshot: r.snapshot,
    }));
  }

  async erase(contactId: string): Promise<number> {
    const erased = await this.txHost.tx.getRepository(ContactEntity).findOne({ where: { id: contactId }, withDeleted: true });
    if (!erased) return 0;
    const [, count]: [unknown, number] = await this.txHost.tx.query(
      `UPDATE contacts.contact_merges SET snapshots = jsonb_set(snapshots, ARRAY[$1::text], $2::jsonb) WHERE snapshots ? $1::text`,
      [contactId, JSON.stringify(erased)],
    );
    return count;
  }
}
