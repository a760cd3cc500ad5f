import { Injectable } from '@nestjs/common';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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
}
