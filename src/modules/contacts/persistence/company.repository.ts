import { Injectable } from '@nestjs/common';
import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { escapeLike } from '../../../platform/query/sql';
import { Actor } from '../../../platform/access/actor';
import { RecordDeps } from '../../../platform/records/record-deps';
import { ScopedRepository } from '../../../platform/records/scoped-repository';
import { CompanyDuplicateCandidate, CompanyDuplicateReason } from '../domain/contact.types';
import { CompanyEntity } from './company.entity';
import { COMPANY_LIST } from './list-specs';

const DERIVED = ['searchText'];

/**
 * Company names at least this similar (pg_trgm similarity of the normalized names, 0..1) are
 * likely one company: "ACME Widgets QA" and "Acme Widget QA" are 0.82, "Acme" and "Acme Group" 0.45.
 * Higher than contacts' 0.6, which also needs a shared company.
 */
export const COMPANY_NAME_SIMILARITY = 0.7;
const MAX_CANDIDATES = 20;

export interface CompanyDuplicateProbe {
  /** Normalized (normalizeDomain), as stored. */
  domains: readonly string[];
  name: string;
  excludeId?: string;
}

const NAME = (a: string) => `contacts.search_norm("${a}"."name")`;

@Injectable()
export class CompanyRepository extends ScopedRepository<CompanyEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: CompanyEntity, resource: 'companies', list: COMPANY_LIST, noun: 'company', audit: { exclude: DERIVED } });
  }

  async lockForUpdate(actor: Actor, id: string): Promise<CompanyEntity> {
    return this.lockForWrite(actor, 'update', id, 'live');
  }

  /** Locks a live company the actor may delete (a merge's duplicates). */
  async lockForDelete(actor: Actor, id: string): Promise<CompanyEntity> {
    return this.lockForWrite(actor, 'delete', id, 'live');
  }

  /** The ids among `ids` of live companies the actor may read (a link or parent must be one). */
  async readableIds(actor: Actor, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.scoped(actor).select(`"${this.alias}"."id"`, 'id').andWhere(`"${this.alias}"."id" = ANY(:ids)`, { ids }).getRawMany<{ id: string }>();
    return new Set(rows.map((r) => r.id));
  }

  /** Names by id, deleted companies included: what a contact's search text carries. */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows: { id: string; name: string }[] = await this.manager.query(`SELECT id, name FROM contacts.companies WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Whether `ancestorId` is `companyId` itself or one of its ancestors (walks parent links, bounded). */
  async isSelfOrDescendant(companyId: string, candidateParentId: string): Promise<boolean> {
    const rows: { hit: boolean }[] = await this.manager.query(
      `WITH RECURSIVE up(id, parent, depth) AS (
         SELECT id, parent_company_id, 1 FROM contacts.companies WHERE id = $1
         UNION ALL
         SELECT c.id, c.parent_company_id, up.depth + 1 FROM contacts.companies c JOIN up ON c.id = up.parent WHERE up.depth < 100
       )
       SELECT EXISTS (SELECT 1 FROM up WHERE id = $2) AS hit`,
      [candidateParentId, companyId],
    );
    return rows[0]?.hit === true;
  }

  /**
   * Live companies the actor may read that look like the probe: a shared domain (score 1) or a
   * name at least COMPANY_NAME_SIMILARITY similar (the similarity).
   *
   * The name test runs on companies_search_trgm (search_norm(search_text): the name, then the
   * domains) with `<%`: the name's trigrams are an extent of the search text's, so the search
   * text's word_similarity to the probe is at least the name's similarity (0.7 here), above
   * pg_trgm.word_similarity_threshold (default 0.6, keep it at most COMPANY_NAME_SIMILARITY), and
   * the index finds every candidate; similarity() on the name itself then decides. A trigram
   * index on the name alone would only spare the recheck of the rows the first one finds.
   */
  async findDuplicates(actor: Actor, probe: CompanyDuplicateProbe): Promise<CompanyDuplicateCandidate[]> {
    const a = this.alias;
    const name = probe.name.trim();
    const byName = name.length >= 3;
    const byDomain = `"${a}"."domains" && CAST(:dup_domains AS text[])`;
    const conditions = [byDomain];
    if (byName) {
      conditions.push(
        `(contacts.search_norm(:dup_name) <% contacts.search_norm("${a}"."search_text") AND similarity(${NAME(a)}, contacts.search_norm(:dup_name)) >= :dup_min)`,
      );
    }
    const qb = this.scoped(actor)
      .select(`"${a}"."id"`, 'id')
      .addSelect(byDomain, 'by_domain')
      .addSelect(byName ? `similarity(${NAME(a)}, contacts.search_norm(:dup_name))` : '0', 'name_score')
      .andWhere(`(${conditions.join(' OR ')})`)
      .setParameters({ dup_domains: [...probe.domains], dup_name: name, dup_min: COMPANY_NAME_SIMILARITY })
      .limit(200);
    if (probe.excludeId) qb.andWhere(`"${a}"."id" <> :dup_self`, { dup_self: probe.excludeId });
    const rows = await qb.getRawMany<{ id: string; by_domain: boolean; name_score: string | number }>();
    return rows
      .map((r): CompanyDuplicateCandidate => {
        const [score, reason]: [number, CompanyDuplicateReason] = r.by_domain ? [1, 'domain'] : [Math.round(Number(r.name_score) * 100) / 100, 'name'];
        return { id: r.id, score, reason };
      })
      .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id))
      .slice(0, MAX_CANDIDATES);
  }

  /** Tag counts of the companies the actor may read, by name after `after`. */
  async tagCounts(actor: Actor, opts: { after: string | null; prefix: string | null; limit: number }): Promise<{ tag: string; count: number }[]> {
    return tagCountsOf(this.manager, this.scoped(actor), this.alias, opts);
  }
}

/** Shared by contacts and companies: tag counts over the rows of a scoped builder, keyset by name. */
export async function tagCountsOf(
  manager: EntityManager,
  qb: SelectQueryBuilder<ObjectLiteral>,
  alias: string,
  opts: { after: string | null; prefix: string | null; limit: number },
): Promise<{ tag: string; count: number }[]> {
  const [inner, params] = qb.select(`unnest("${alias}"."tags")`, 'tag').getQueryAndParameters();
  const values: unknown[] = [...params];
  const where: string[] = [];
  if (opts.after !== null) {
    values.push(opts.after);
    where.push(`tag COLLATE "C" > $${values.length}`);
  }
  if (opts.prefix !== null) {
    values.push(`${escapeLike(opts.prefix)}%`);
    where.push(`tag ILIKE $${values.length}`);
  }
  values.push(opts.limit);
  const sql = `SELECT tag, count(*)::int AS count FROM (${inner}) t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    GROUP BY tag ORDER BY tag COLLATE "C" LIMIT $${values.length}`;
  return (await manager.query(sql, values)) as { tag: string; count: number }[];
}
