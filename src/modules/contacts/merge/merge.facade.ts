import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { conflict } from '../../../platform/errors/domain-error';

export type MergedRecordType = 'contact' | 'company';

/** The merge rows of each kind of record (raw SQL: the services that call this know no merge entity). */
const MERGE_TABLES: Record<MergedRecordType, string> = { contact: 'contacts.contact_merges', company: 'contacts.company_merges' };

/**
 * What the rest of the contacts module asks of merges. Runs in the caller's transaction.
 */
@Injectable()
export class MergeFacade {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * A record that a merge still standing folded into another comes back only through that
   * merge's undo: restored by hand, its data would live on two records and the merge could no
   * longer be undone. 409 `ALREADY_MERGED` with the merge (as a merge of such a record is).
   * The caller has checked that the actor may restore the record (else its 404 comes first).
   */
  async refuseRestoreOfMerged(type: MergedRecordType, id: string): Promise<void> {
    const rows: { id: string }[] = await this.txHost.tx.query(
      `SELECT id FROM ${MERGE_TABLES[type]} WHERE undone_at IS NULL AND duplicate_ids @> ARRAY[$1::uuid] ORDER BY created_at DESC LIMIT 1`,
      [id],
    );
    if (!rows.length) return;
    throw conflict(
      'ALREADY_MERGED',
      `This ${type} was merged into another one by merge ${rows[0].id}, which still stands: undo that merge instead of restoring the ${type}.`,
      { mergeId: rows[0].id },
    );
  }
}
