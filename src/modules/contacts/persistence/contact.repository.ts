import { Injectable } from '@nestjs/common';
import { Actor } from '../../../platform/access/actor';
import { escapeLike } from '../../../platform/query/sql';
import { RecordDeps } from '../../../platform/records/record-deps';
import { ScopedRepository } from '../../../platform/records/scoped-repository';
import { DuplicateCandidate, DuplicateReason } from '../domain/contact.types';
import { tagCountsOf } from './company.repository';
import { ContactEntity } from './contact.entity';
import { CONTACT_LIST } from './list-specs';

/** Columns derived from others: kept out of the audit log (the source fields are in it). */
const DERIVED = ['searchText', 'emailKeys', 'phoneKeys', 'companyIds', 'primaryEmail', 'primaryPhone'];

/** Names at least this similar (pg_trgm similarity, 0..1), at a shared company, are likely one person. */
export const NAME_SIMILARITY = 0.6;
const MAX_CANDIDATES = 20;

export interface DuplicateProbe {
  emailKeys: readonly string[];
  phoneKeys: readonly string[];
  fullName: string;
  companyIds: readonly string[];
  excludeId?: string;
}

const FULL_NAME = (a: string) => `contacts.search_norm(coalesce("${a}"."first_name", '') || ' ' || coalesce("${a}"."last_name", ''))`;

@Injectable()
export class ContactRepository extends ScopedRepository<ContactEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: ContactEntity, resource: 'contacts', list: CONTACT_LIST, noun: 'contact', audit: { exclude: DERIVED } });
  }

  /** Exports read emails, phones and companyIds: match keys, search text and the link roles stay behind. */
  protected override readonly streamOmits: readonly (keyof ContactEntity & string)[] = ['searchText', 'emailKeys', 'phoneKeys', 'companyLinks'];

  /** Locks the row for a read-modify-write (merging custom fields) in the caller's transaction. */
  async lockForUpdate(actor: Actor, id: string): Promise<ContactEntity> {
    return this.lockForWrite(actor, 'update', id, 'live');
  }

  /** Locks a live contact the actor may delete (a merge's duplicates). */
  async lockForDelete(actor: Actor, id: string): Promise<ContactEntity> {
    return this.lockForWrite(actor, 'delete', id, 'live');
  }

  /** Locks a contact, live or in the recycle bin, that the actor may delete (erasure needs the delete scope). */
  async lockForErasure(actor: Actor, id: string): Promise<ContactEntity> {
    return this.lockForWrite(actor, 'delete', id, 'any');
  }

  /**
   * Overwrites a locked row without an audit diff: an erasure, whose diff would copy the very
   * data being erased into the log. The caller audits the erasure itself, without values.
   */
  async overwriteUnaudited(current: ContactEntity, values: Partial<ContactEntity>): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(ContactEntity)
      .set(values as never)
      .where('"id" = :id AND "version" = :version', { id: current.id, version: current.version })
      .execute();
  }

  /**
   * Removes from the name words (contacts.name_words, read by `q` for typos) those of `names`
   * that no contact's name holds any more: after an erasure, nothing keeps the person's name.
   */
  async forgetNameWords(names: readonly { firstName: string | null; lastName: string | null }[]): Promise<void> {
    const words: { w: string }[] = await this.manager.query(
      `SELECT DISTINCT w FROM unnest($1::text[]) n CROSS JOIN LATERAL contacts.words_of(n) w`,
      [names.flatMap((n) => [n.firstName, n.lastName])],
    );
    // One word at a time: the LIKE pattern is then a constant the name's trigram index reads.
    for (const { w } of words) {
      await this.manager.query(
        `DELETE FROM contacts.name_words WHERE entity = 'contact' AND word = $1
            AND NOT EXISTS (SELECT 1 FROM contacts.contacts c WHERE ${FULL_NAME('c')} LIKE $2 ESCAPE '\\'
                               AND ($1 IN (SELECT contacts.words_of(c.first_name)) OR $1 IN (SELECT contacts.words_of(c.last_name))))`,
        [w, `%${escapeLike(w)}%`],
      );
    }
  }

  /**
   * Live contacts the actor may read that look like the probe: the same normalized email
   * (score 1), the same phone (0.9), or a similar name at a shared company (the similarity).
   */
  async findDuplicates(actor: Actor, probe: DuplicateProbe): Promise<DuplicateCandidate[]> {
    const a = this.alias;
    const name = probe.fullName.trim();
    const byName = name.length >= 3 && probe.companyIds.length > 0;
    const conditions = [`"${a}"."email_keys" && CAST(:dup_emails AS text[])`, `"${a}"."phone_keys" && CAST(:dup_phones AS text[])`];
    if (byName) {
      conditions.push(
        `("${a}"."company_ids" && CAST(:dup_companies AS text[]) AND ${FULL_NAME(a)} % contacts.search_norm(:dup_name) AND similarity(${FULL_NAME(a)}, contacts.search_norm(:dup_name)) >= :dup_min)`,
      );
    }
    const qb = this.scoped(actor)
      .select(`"${a}"."id"`, 'id')
      .addSelect(`"${a}"."email_keys" && CAST(:dup_emails AS text[])`, 'by_email')
      .addSelect(`"${a}"."phone_keys" && CAST(:dup_phones AS text[])`, 'by_phone')
      .addSelect(byName ? `similarity(${FULL_NAME(a)}, contacts.search_norm(:dup_name))` : '0', 'name_score')
      .andWhere(`(${conditions.join(' OR ')})`)
      .setParameters({ dup_emails: [...probe.emailKeys], dup_phones: [...probe.phoneKeys], dup_companies: [...probe.companyIds], dup_name: name, dup_min: NAME_SIMILARITY })
      .limit(200);
    if (probe.excludeId) qb.andWhere(`"${a}"."id" <> :dup_self`, { dup_self: probe.excludeId });
    const rows = await qb.getRawMany<{ id: string; by_email: boolean; by_phone: boolean; name_score: string | number }>();
    return rows
      .map((r): DuplicateCandidate => {
        const [score, reason]: [number, DuplicateReason] = r.by_email ? [1, 'email'] : r.by_phone ? [0.9, 'phone'] : [Math.round(Number(r.name_score) * 100) / 100, 'name_company'];
        return { id: r.id, score, reason };
      })
      .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id))
      .slice(0, MAX_CANDIDATES);
  }

  /** After a company is renamed: the search text of the contacts linked to it (a derived column, no version bump). */
  async contactsLinkedTo(companyId: string): Promise<ContactEntity[]> {
    return this.manager
      .createQueryBuilder(ContactEntity, this.alias)
      .withDeleted()
      .where(`"${this.alias}"."company_ids" @> ARRAY[CAST(:cid AS text)]`, { cid: companyId })
      .getMany();
  }

  async setSearchText(rows: readonly { id: string; searchText: string }[]): Promise<void> {
    if (!rows.length) return;
    await this.manager.query(
      `UPDATE contacts.contacts c SET search_text = v.search_text FROM unnest($1::uuid[], $2::text[]) AS v(id, search_text) WHERE c.id = v.id`,
      [rows.map((r) => r.id), rows.map((r) => r.searchText)],
    );
  }

  async tagCounts(actor: Actor, opts: { after: string | null; prefix: string | null; limit: number }): Promise<{ tag: string; count: number }[]> {
    return tagCountsOf(this.manager, this.scoped(actor), this.alias, opts);
  }
}
