import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor, scopeOf } from '../../../../platform/access/actor';
import { PositionalParams } from '../../../../platform/query/sql';
import { scopeCondition } from '../../../../platform/records/scope';
import { HoldsPersonalData, PersonalDataHolder } from '../../consent/personal-data-holders';

/**
 * An import that updated a contact keeps the columns it replaced (the before-image) and the values
 * it wrote (`after`), so a revert can put back what it changed where it is still there. For the
 * person's access request they are listed; an erasure replaces both with the erased row's values,
 * so a later revert restores anonymous values, never the erased ones.
 */
@Injectable()
@HoldsPersonalData()
export class ImportPersonalData implements PersonalDataHolder {
  readonly holder = 'contactImports';
  readonly description = 'Imports that created or updated the contact, with the values an update replaced and those it wrote (kept to revert the import)';

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Only imports the actor may read (`imports` read scope, as `GET /imports/{id}`). */
  async export(actor: Actor, contactId: string): Promise<Record<string, unknown>[]> {
    const params = new PositionalParams();
    const record = params.bind(contactId);
    const rows: { import_id: string; created_at: Date; action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] = await this.txHost.tx.query(
      `SELECT ic.import_id, i.created_at, ic.action, ic.before, ic.after
       FROM contacts.import_changes ic JOIN contacts.imports i ON i.id = ic.import_id
       WHERE ic.record_id = ${record} AND i.entity = 'contact' AND ${scopeCondition(scopeOf(actor, 'imports', 'read'), actor, 'i', params)}
       ORDER BY i.created_at, ic.import_id`,
      params.values,
    );
    return rows.map((r) => ({ importId: r.import_id, importedAt: new Date(r.created_at).toISOString(), action: r.action, before: r.before, after: r.after }));
  }

  async erase(contactId: string): Promise<number> {
    const [, count]: [unknown, number] = await this.txHost.tx.query(
      `UPDATE contacts.import_changes ic
       SET before = CASE WHEN ic.before IS NOT NULL THEN (SELECT coalesce(jsonb_object_agg(k, to_jsonb(c) -> k), '{}'::jsonb) FROM jsonb_object_keys(ic.before) k) END,
           after = CASE WHEN ic.after IS NOT NULL THEN (SELECT coalesce(jsonb_object_agg(k, to_jsonb(c) -> k), '{}'::jsonb) FROM jsonb_object_keys(ic.after) k) END
       FROM contacts.contacts c, contacts.imports i
       WHERE ic.record_id = $1 AND c.id = ic.record_id AND i.id = ic.import_id AND i.entity = 'contact' AND (ic.before IS NOT NULL OR ic.after IS NOT NULL)`,
      [contactId],
    );
    return count;
  }
}
