import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { SelectQueryBuilder } from 'typeorm';
import { Action, Actor, scopeOf } from '../../../../platform/access/actor';
import { forbidden, notFound } from '../../../../platform/errors/domain-error';
import { CursorCodec } from '../../../../platform/query/cursor';
import { ListQuery, Page } from '../../../../platform/query/list-query';
import { defineListSpec } from '../../../../platform/query/list-spec';
import { fetchPage } from '../../../../platform/query/paginate';
import { SqlParams } from '../../../../platform/query/sql';
import { scopeCondition } from '../../../../platform/records/scope';
import { IMPORT_ENTITIES, IMPORT_MODES } from '../domain/import-options';
import { IMPORT_STATUSES } from '../domain/import-status';
import { ImportEntity } from './import.entity';

export const IMPORT_LIST = defineListSpec({
  resource: 'imports',
  defaultSort: '-createdAt',
  fields: {
    id: { type: 'uuid', sortable: true, nullable: false, ops: ['eq', 'in'] },
    createdAt: { type: 'timestamp', sortable: true, nullable: false, ops: ['gt', 'gte', 'lt', 'lte'] },
    status: { type: 'enum', values: IMPORT_STATUSES, nullable: false, ops: ['eq', 'ne', 'in', 'nin'] },
    entity: { type: 'enum', values: IMPORT_ENTITIES, nullable: false, ops: ['eq', 'in'] },
    mode: { type: 'enum', values: IMPORT_MODES, nullable: false, ops: ['eq', 'in'] },
    ownerId: { type: 'uuid', ops: ['eq', 'in'] },
    teamId: { type: 'uuid', ops: ['eq', 'in', 'isNull'] },
  },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALIAS = 'i';

/**
 * contacts.imports, scoped like every owned record by the `imports` permission: `own` sees the
 * imports the caller started, `team` those of the caller's teams too, `all` every import. An
 * import outside the scope is a 404, as if it did not exist.
 */
@Injectable()
export class ImportsRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cursors: CursorCodec,
  ) {}

  private scoped(actor: Actor, action: Action): SelectQueryBuilder<ImportEntity> {
    const scope = scopeOf(actor, 'imports', action);
    if (scope === 'none') throw forbidden(`You may not ${action === 'read' ? 'read' : 'change'} imports.`);
    const params = new SqlParams('scope_');
    return this.txHost.tx.createQueryBuilder(ImportEntity, ALIAS).where(scopeCondition(scope, actor, ALIAS, params)).setParameters(params.values);
  }

  async insert(values: Partial<ImportEntity>): Promise<ImportEntity> {
    await this.txHost.tx.insert(ImportEntity, values as never);
    return this.byId(values.id as string) as Promise<ImportEntity>;
  }

  /** Any import by id, unscoped: the job and the CLI, which act for whoever started it. */
  async byId(id: string): Promise<ImportEntity | null> {
    return this.txHost.tx.getRepository(ImportEntity).findOneBy({ id });
  }

  async findOne(actor: Actor, id: string, action: Action = 'read', lock = false): Promise<ImportEntity> {
    if (!UUID.test(id)) throw notFound('import');
    const qb = this.scoped(actor, action).andWhere(`"${ALIAS}"."id" = :import_id`, { import_id: id });
    if (lock) qb.setLock('pessimistic_write');
    const found = await qb.getOne();
    if (!found) throw notFound('import');
    return found;
  }

  async list(actor: Actor, query: ListQuery): Promise<Page<ImportEntity>> {
    return fetchPage(this.scoped(actor, 'read'), ALIAS, IMPORT_LIST, query, this.cursors);
  }

  async setJob(id: string, column: 'job_id' | 'revert_job_id', jobId: string): Promise<void> {
    await this.txHost.tx.query(`UPDATE contacts.imports SET ${column} = $2 WHERE id = $1`, [id, jobId]);
  }

  /** queued (or running, on a retry) → running; null when the import is past running (nothing to do). */
  async start(id: string): Promise<ImportEntity | null> {
    const [rows]: [{ id: string }[], number] = await this.txHost.tx.query(
      `UPDATE contacts.imports SET status = 'running', started_at = COALESCE(started_at, now()), version = version + 1, updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id],
    );
    return rows.length ? this.byId(id) : null;
  }

  async fail(id: string, error: string, from: readonly string[]): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE contacts.imports SET status = 'failed', error = $2, finished_at = now(), version = version + 1, updated_at = now()
        WHERE id = $1 AND status = ANY($3::text[])`,
      [id, error.slice(0, 2000), [...from]],
    );
  }

  /** completed | failed → reverting; false when the import is in another state. */
  async markReverting(id: string): Promise<boolean> {
    const [rows]: [{ id: string }[], number] = await this.txHost.tx.query(
      `UPDATE contacts.imports SET status = 'reverting', error = NULL, version = version + 1, updated_at = now()
        WHERE id = $1 AND status IN ('completed', 'failed') RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async markReverted(id: string): Promise<boolean> {
    const [rows]: [{ id: string }[], number] = await this.txHost.tx.query(
      `UPDATE contacts.imports SET status = 'reverted', reverted_at = now(), version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'reverting' RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}
