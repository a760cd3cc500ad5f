import { Injectable } from '@nestjs/common';
import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Action, Actor } from '../../../../platform/access/actor';
import { RecordDeps } from '../../../../platform/records/record-deps';
import { ScopedRepository } from '../../../../platform/records/scoped-repository';
import { CompanyEntity } from '../../persistence/company.entity';
import { ContactEntity } from '../../persistence/contact.entity';
import { COMPANY_LIST, CONTACT_LIST } from '../../persistence/list-specs';

/** A SELECT over exactly the records an actor may act on, with positional parameters ($1…), to embed in a larger statement. */
export interface ScopedSql {
  sql: string;
  params: unknown[];
}

/** The scoped SELECT of a repository: its alias is `r`; `condition` may refer to it and to the enclosing statement. */
function scopedSelect(qb: SelectQueryBuilder<ObjectLiteral>, columns: readonly string[], condition: string): ScopedSql {
  const [first, ...rest] = columns;
  qb.select(`"r"."${first}"`, first);
  for (const c of rest) qb.addSelect(`"r"."${c}"`, c);
  const [sql, params] = qb.andWhere(condition).getQueryAndParameters();
  return { sql, params };
}

/** How an import finds the contacts its rows refer to: set-based, within the importer's scope. */
@Injectable()
export class ImportMatchRepository extends ScopedRepository<ContactEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: ContactEntity, resource: 'contacts', list: CONTACT_LIST, noun: 'contact' });
  }

  /** Live contacts the actor may `action`, exactly as every contacts query scopes them (alias `r`). */
  inScope(actor: Actor, action: Action, columns: readonly string[], condition: string): ScopedSql {
    return scopedSelect(this.scoped(actor, action), columns, condition);
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

  /** External id → id of the live contact carrying it that the actor may update. */
  async byExternalIds(actor: Actor, externalIds: readonly string[]): Promise<Map<string, string>> {
    return byExternalIds(this.scoped(actor, 'update'), externalIds);
  }

  /** External id → id of the live contact holding it, whoever may see it: an id taken is taken for everyone. */
  async holdersOf(externalIds: readonly string[]): Promise<Map<string, string>> {
    return holdersOf(this.manager, 'contacts.contacts', externalIds);
  }
}

/** How a company import finds the companies its rows refer to, within the importer's scope. */
@Injectable()
export class ImportCompanyMatchRepository extends ScopedRepository<CompanyEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: CompanyEntity, resource: 'companies', list: COMPANY_LIST, noun: 'company' });
  }

  inScope(actor: Actor, action: Action, columns: readonly string[], condition: string): ScopedSql {
    return scopedSelect(this.scoped(actor, action), columns, condition);
  }

  async byExternalIds(actor: Actor, externalIds: readonly string[]): Promise<Map<string, string>> {
    return byExternalIds(this.scoped(actor, 'update'), externalIds);
  }

  async holdersOf(externalIds: readonly string[]): Promise<Map<string, string>> {
    return holdersOf(this.manager, 'contacts.companies', externalIds);
  }
}

async function holdersOf(manager: EntityManager, table: string, externalIds: readonly string[]): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const rows: { id: string; external_id: string }[] = await manager.query(`SELECT id, external_id FROM ${table} WHERE external_id = ANY($1::text[]) AND deleted_at IS NULL`, [[...externalIds]]);
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

async function byExternalIds(qb: SelectQueryBuilder<ObjectLiteral>, externalIds: readonly string[]): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const rows = await qb
    .select('"r"."id"', 'id')
    .addSelect('"r"."external_id"', 'external_id')
    .andWhere('"r"."external_id" = ANY(:external_ids)', { external_ids: [...externalIds] })
    .getRawMany<{ id: string; external_id: string }>();
  return new Map(rows.map((r) => [r.external_id, r.id]));
}
