import { Injectable } from '@nestjs/common';
import { Actor } from '../../../../platform/access/actor';
import { RecordDeps } from '../../../../platform/records/record-deps';
import { ScopedRepository } from '../../../../platform/records/scoped-repository';
import { ContactEntity } from '../../persistence/contact.entity';
import { CONTACT_LIST } from '../../persistence/list-specs';

/** How an import finds the contacts its rows refer to: set-based, within the importer's scope. */
@Injectable()
export class ImportMatchRepository extends ScopedRepository<ContactEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: ContactEntity, resource: 'contacts', list: CONTACT_LIST, noun: 'contact' });
  }

  /** Normalized email → id of the live contact carrying it that the actor may update (oldest first on ties). */
  async byEmails(actor: Actor, emailKeys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (!emailKeys.length) return found;
    const a = this.alias;
    const rows = await this.scoped(actor, 'update')
      .select(`"${a}"."id"`, 'id')
      .addSelect(`"${a}"."email_keys"`, 'email_keys')
      .andWhere(`"${a}"."email_keys" && CAST(:keys AS text[])`, { keys: [...emailKeys] })
      .orderBy(`"${a}"."created_at"`)
      .addOrderBy(`"${a}"."id"`)
      .getRawMany<{ id: string; email_keys: string[] }>();
    for (const r of rows) for (const key of r.email_keys) if (!found.has(key)) found.set(key, r.id);
    return found;
  }
}
