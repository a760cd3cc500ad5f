import { Transactional } from '@nestjs-cls/transactional';
import { EntityManager, EntityMetadata, SelectQueryBuilder } from 'typeorm';
import { Action, Actor, Scope, scopeOf } from '../access/actor';
import { AuditPolicy } from '../audit/diff';
import { newId, OwnedRecordEntity, RecordEntity } from '../database/columns';
import { conflict, DomainError, FieldError, forbidden, invalid, notFound } from '../errors/domain-error';
import { DELETED_FIELD, ListSpec } from '../query/list-spec';
import { filterMentions } from '../query/filter';
import { ListQuery, Page } from '../query/list-query';
import { applyFilter, effectiveSort, fetchPage, fetchPageDirect } from '../query/paginate';
import { ParamBinder, PositionalParams, SqlParams } from '../query/sql';
import { preconditionFailed } from './etag';
import { rowHydrator, tableSelect } from './hydrate';
import { poolQuery } from '../database/pool-query';
import { RecordDeps } from './record-deps';
import { assignableWithin, scopeCondition, withinScope } from './scope';

export interface ScopedResource<E extends RecordEntity> {
  entity: new () => E;
  /** The permission and audit name (`contacts`): scopes come from `actor.permissions[resource]`. */
  resource: string;
  /** What lists and searches may filter and sort by (defineListSpec with `softDelete: true`). */
  list: ListSpec;
  /** Fields kept out of the audit log, or in it as "[redacted]". */
  audit?: AuditPolicy;
  /** Singular noun for messages ("contact"). */
  noun?: string;
}

/** Columns the repository alone sets. */
const SYSTEM_FIELDS = ['id', 'createdAt', 'updatedAt', 'version', 'deletedAt'] as const;
type SystemField = (typeof SYSTEM_FIELDS)[number];
type DataFields<E> = { [K in keyof E as K extends SystemField ? never : E[K] extends (...args: never[]) => unknown ? never : K]?: E[K] };
export type CreateInput<E> = DataFields<E>;
export type UpdateInput<E> = DataFields<E>;

export interface WriteOptions {
  /** The version from If-Match: the write happens only at that version (else 412). */
  ifMatch?: number;
}

/** live: not deleted (default); deleted: only the recycle bin; any: both. */
export type DeletedFilter = 'live' | 'deleted' | 'any';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The only way a module reads or writes its primary records. Every method takes the Actor and
 * applies its scope for the resource in SQL, so a module cannot forget it:
 * out-of-scope records are 404 on read and write, and invisible in lists, searches, counts and
 * exports. Writes run in a transaction, check If-Match in the UPDATE itself, bump `version`,
 * and append the audit entry in the same transaction.
 *
 * Resources that extend RecordEntity without owner/team (pipelines, products) have no rows to
 * scope: any scope other than `none` reaches every record.
 *
 * A module subclasses it once:
 * ```ts
 * @Injectable()
 * export class ContactRepository extends ScopedRepository<ContactEntity> {
 *   constructor(deps: RecordDeps) { super(deps, { entity: ContactEntity, resource: 'contacts', list: CONTACT_LIST }); }
 * }
 * ```
 */
export abstract class ScopedRepository<E extends RecordEntity> {
  protected readonly alias = 'r';
  protected readonly owned: boolean;
  private metadataCache?: EntityMetadata;
  private hydratorCache?: ((raw: Record<string, unknown>[]) => E[]) | null;
  private tableSelects?: { list: { select: string; from: string }; stream: { select: string; from: string } } | null;

  constructor(
    protected readonly deps: RecordDeps,
    protected readonly resource: ScopedResource<E>,
  ) {
    if (!resource.list.softDelete) throw new Error(`${resource.resource}: the list spec of a record resource needs softDelete: true`);
    this.owned = resource.entity.prototype instanceof OwnedRecordEntity;
    deps.auditAccess.register(resource.resource, (actor, id) => this.canRead(actor, id));
  }

  protected get manager(): EntityManager {
    return this.deps.txHost.tx;
  }

  private get metadata(): EntityMetadata {
    return (this.metadataCache ??= this.manager.connection.getMetadata(this.resource.entity));
  }

  /** Raw page rows → entities without TypeORM's generic transformer (see rowHydrator). */
  private get hydrate(): ((raw: Record<string, unknown>[]) => E[]) | undefined {
    if (this.hydratorCache === undefined) this.hydratorCache = rowHydrator<E>(this.manager.connection, this.metadata, this.alias);
    return this.hydratorCache ?? undefined;
  }

  /** The SELECT lists (lists, streams) and FROM clause of pages read without a query builder; null when TypeORM must build them. */
  private get selects(): { list: { select: string; from: string }; stream: { select: string; from: string } } | null {
    if (this.tableSelects === undefined) {
      const connection = this.manager.connection;
      const list = this.hydrate ? tableSelect(connection, this.metadata, this.alias) : null;
      const stream = list && tableSelect(connection, this.metadata, this.alias, new Set<string>(this.streamOmits));
      this.tableSelects = list && stream ? { list, stream } : null;
    }
    return this.tableSelects;
  }

  private get noun(): string {
    return this.resource.noun ?? 'record';
  }

  protected scopeFor(actor: Actor, action: Action): Scope {
    const scope = scopeOf(actor, this.resource.resource, action);
    return this.owned || scope === 'none' ? scope : 'all';
  }

  /**
   * A query builder over exactly the records `actor` may `action`: the starting point of any
   * custom query of the module (reports, lookups), so those are scoped too.
   */
  protected scoped(actor: Actor, action: Action = 'read', deleted: DeletedFilter = 'live'): SelectQueryBuilder<E> {
    const params = new SqlParams('scope_');
    const [scope, ...rest] = this.conditions(actor, action, deleted, params);
    const qb = this.manager.createQueryBuilder(this.resource.entity, this.alias).withDeleted();
    qb.where(scope).setParameters(params.values);
    for (const condition of rest) qb.andWhere(condition);
    return qb;
  }

  /** The conditions of scoped(): the actor's scope for the action, then the soft-delete rule. */
  private conditions(actor: Actor, action: Action, deleted: DeletedFilter, params: ParamBinder): string[] {
    const conditions = [scopeCondition(this.scopeFor(actor, action), actor, this.alias, params)];
    if (deleted === 'live') conditions.push(`"${this.alias}"."deleted_at" IS NULL`);
    if (deleted === 'deleted') conditions.push(`"${this.alias}"."deleted_at" IS NOT NULL`);
    return conditions;
  }

  private byId(qb: SelectQueryBuilder<E>, id: string): SelectQueryBuilder<E> {
    return qb.andWhere(`"${this.alias}"."id" = :record_id`, { record_id: id });
  }

  /** One record the actor may read; 404 when absent, deleted (unless asked) or outside the scope. */
  async findOne(actor: Actor, id: string, opts: { deleted?: DeletedFilter } = {}): Promise<E> {
    if (!UUID.test(id)) throw notFound(this.noun);
    const found = await this.byId(this.scoped(actor, 'read', opts.deleted ?? 'live'), id).getOne();
    if (!found) throw notFound(this.noun);
    return found;
  }

  /** Whether the actor may read the record (deleted ones included): the audit log asks this. */
  async canRead(actor: Actor, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    return this.byId(this.scoped(actor, 'read', 'any'), id).getExists();
  }

  /** A keyset page; deleted records only when the filter names `deleted`. */
  async list(actor: Actor, query: ListQuery): Promise<Page<E>> {
    return this.page(actor, query, 'list');
  }

  /** One page of list() or stream(): written directly when the entity allows it (see fetchPageDirect), else through TypeORM. */
  private page(actor: Actor, query: ListQuery, purpose: 'list' | 'stream'): Promise<Page<E>> {
    const selects = this.selects;
    const hydrate = this.hydrate;
    if (!selects || !hydrate) {
      const qb = this.listBase(actor, query);
      if (purpose === 'stream' && this.streamOmits.length) {
        const omit = new Set<string>(this.streamOmits);
        qb.select(this.metadata.columns.filter((c) => !omit.has(c.propertyName)).map((c) => `${this.alias}.${c.propertyPath}`));
      }
      return fetchPage(qb, this.alias, this.resource.list, query, this.deps.cursors, hydrate);
    }
    const params = new PositionalParams();
    const where = this.conditions(actor, 'read', this.deletedFilterOf(query), params);
    const run = (sql: string, values: unknown[]) => poolQuery<Record<string, unknown>>(this.manager, sql, values);
    return fetchPageDirect({ ...selects[purpose], where, params, run }, this.alias, this.resource.list, query, this.deps.cursors, hydrate);
  }

  async count(actor: Actor, query: Pick<ListQuery, 'filter' | 'q'>): Promise<number> {
    return applyFilter(this.listBase(actor, query), this.alias, this.resource.list, query).getCount();
  }

  /**
   * Every matching record in the query's order, page by page (exports): constant memory. The
   * records lack the properties named in `streamOmits` (derived columns exports do not need).
   */
  async *stream(actor: Actor, query: Omit<ListQuery, 'limit' | 'cursor'>, batchSize = 500): AsyncGenerator<E> {
    query = this.streamOrder(query);
    let cursor: string | null = null;
    do {
      const page: Page<E> = await this.page(actor, { ...query, limit: batchSize, cursor }, 'stream');
      yield* page.data;
      cursor = page.page.nextCursor;
    } while (cursor);
  }

  /**
   * The one statement reading what stream() yields, in the same order: the actor's read scope,
   * the soft-delete rule, the query's filter and `q`, and its sort with the `id` tiebreaker; the
   * caller picks the select list (`select` gets the table's alias). Returns the SQL with its
   * positional parameters ($1…), for statements that need the text itself (COPY … TO STDOUT).
   */
  streamSql(actor: Actor, query: Omit<ListQuery, 'limit' | 'cursor'>, select: (alias: string) => readonly string[]): { sql: string; params: unknown[] } {
    query = this.streamOrder(query);
    const qb = applyFilter(this.listBase(actor, query), this.alias, this.resource.list, query);
    const exprs = select(this.alias);
    if (!exprs.length) throw new Error(`${this.resource.resource}: streamSql needs at least one selected expression`);
    exprs.forEach((expr, i) => (i === 0 ? qb.select(expr, `c${i}`) : qb.addSelect(expr, `c${i}`)));
    // The ORDER BY of fetchPage, so the rows come in the order of the list's pages.
    qb.orderBy();
    for (const k of effectiveSort(this.resource.list, query.sort)) qb.addOrderBy(k.field.sql(this.alias), k.desc ? 'DESC' : 'ASC', k.field.nullable ? 'NULLS LAST' : undefined);
    const [sql, params] = qb.getQueryAndParameters();
    return { sql, params };
  }

  /** Exports are not ranked: a search without a sort of its own streams in the default order. */
  private streamOrder<Q extends Pick<ListQuery, 'sort'>>(query: Q): Q {
    return query.sort.some((k) => k.expression) ? { ...query, sort: this.resource.list.defaultSort } : query;
  }

  /** Properties left out of stream(): derived columns (match keys, search text) nobody exports. */
  protected readonly streamOmits: readonly (keyof E & string)[] = [];

  private listBase(actor: Actor, query: Pick<ListQuery, 'filter'>): SelectQueryBuilder<E> {
    return this.scoped(actor, 'read', this.deletedFilterOf(query));
  }

  /** Lists hide deleted records unless the filter names `deleted`. */
  private deletedFilterOf(query: Pick<ListQuery, 'filter'>): DeletedFilter {
    return filterMentions(query.filter, DELETED_FIELD) ? 'any' : 'live';
  }

  /**
   * Creates a record. Owned records default to ownerId = the actor's user and teamId = the
   * actor's first team; an owner/team outside the actor's create scope is a 403.
   */
  @Transactional()
  async create(actor: Actor, data: CreateInput<E>): Promise<E> {
    const scope = this.scopeFor(actor, 'create');
    if (scope === 'none') throw forbidden(`You may not create ${this.resource.resource}.`);
    this.assertDataFields(data);
    const entity = this.manager.create(this.resource.entity, data as never) as E;
    entity.id = newId();
    if (this.owned) {
      const owned = entity as unknown as OwnedRecordEntity;
      const given = data as Partial<OwnedRecordEntity>;
      owned.ownerId = given.ownerId !== undefined ? given.ownerId : actor.userId;
      owned.teamId = given.teamId !== undefined ? given.teamId : (actor.teamIds[0] ?? null);
      this.assertAssignable(scope, actor, owned.ownerId, owned.teamId);
      await this.assertOwnerAndTeam(actor, owned.ownerId, owned.teamId, { owner: given.ownerId !== undefined, team: given.teamId !== undefined });
    }
    await this.manager.insert(this.resource.entity, entity as never);
    const saved = await this.reload(entity.id);
    await this.audit(actor, saved.id, 'create', null, saved);
    return saved;
  }

  /** Partial update. A patch that changes nothing changes nothing (no version bump, no audit). */
  @Transactional()
  async update(actor: Actor, id: string, patch: UpdateInput<E>, opts: WriteOptions = {}): Promise<E> {
    const scope = this.scopeFor(actor, 'update');
    this.assertDataFields(patch);
    const current = await this.lockForWrite(actor, 'update', id, 'live');
    this.checkVersion(current, opts);
    const values = this.definedValues(patch);
    if (this.owned && ('ownerId' in values || 'teamId' in values)) {
      const cur = current as unknown as OwnedRecordEntity;
      const next = values as Partial<OwnedRecordEntity>;
      const ownerId = next.ownerId !== undefined ? next.ownerId : cur.ownerId;
      const teamId = next.teamId !== undefined ? next.teamId : cur.teamId;
      this.assertAssignable(scope, actor, ownerId, teamId);
      await this.assertOwnerAndTeam(actor, ownerId, teamId, { owner: ownerId !== cur.ownerId, team: teamId !== cur.teamId });
    }
    const before = this.snapshot(current);
    if (Object.keys(values).every((k) => sameValue(before[k], values[k]))) return current;
    await this.versionedUpdate(current, values);
    const saved = await this.reload(id);
    await this.audit(actor, id, 'update', current, saved);
    return saved;
  }

  /** Moves the record to the recycle bin. */
  @Transactional()
  async softDelete(actor: Actor, id: string, opts: WriteOptions = {}): Promise<E> {
    const current = await this.lockForWrite(actor, 'delete', id, 'live');
    this.checkVersion(current, opts);
    await this.versionedUpdate(current, { deletedAt: () => 'now()' });
    const saved = await this.reload(id);
    await this.audit(actor, id, 'delete', current, saved);
    return saved;
  }

  /**
   * Brings a record back from the recycle bin (needs the delete permission, like deleting). A
   * live record is a 409: it exists, it is just not in the bin.
   */
  @Transactional()
  async restore(actor: Actor, id: string, opts: WriteOptions = {}): Promise<E> {
    const current = await this.lockForWrite(actor, 'delete', id, 'any');
    if (current.deletedAt === null) throw conflict('NOT_DELETED', `The ${this.noun} is not in the recycle bin: there is nothing to restore.`);
    this.checkVersion(current, opts);
    await this.versionedUpdate(current, { deletedAt: null });
    const saved = await this.reload(id);
    await this.audit(actor, id, 'restore', current, saved);
    return saved;
  }

  /**
   * Locks the row (FOR UPDATE) so the diff written to the audit log is exactly what changed.
   * A record outside the caller's read scope is a 404, like one that does not exist; one the
   * caller may read but not `action` (a rep who reads every contact and changes their own) is a
   * 403: its existence is no secret to them.
   */
  protected async lockForWrite(actor: Actor, action: Action, id: string, deleted: DeletedFilter): Promise<E> {
    if (!UUID.test(id)) throw notFound(this.noun);
    const row = await this.byId(this.scoped(actor, action, deleted), id).setLock('pessimistic_write').getOne();
    if (row) return row;
    if (action !== 'read' && (await this.byId(this.scoped(actor, 'read', deleted), id).getExists())) {
      throw forbidden(`You may see this ${this.noun} but not ${action === 'update' ? 'change' : 'delete or restore'} it.`);
    }
    throw notFound(this.noun);
  }

  private checkVersion(current: E, opts: WriteOptions): void {
    if (opts.ifMatch !== undefined && opts.ifMatch !== current.version) throw preconditionFailed(current.version);
  }

  /** UPDATE … WHERE id = :id AND version = :version; TypeORM adds version + 1 and updated_at. */
  private async versionedUpdate(current: E, values: Record<string, unknown>): Promise<void> {
    const result = await this.manager
      .createQueryBuilder()
      .update(this.resource.entity)
      .set(values as never)
      .where('"id" = :record_id AND "version" = :record_version', { record_id: current.id, record_version: current.version })
      .execute();
    if (result.affected !== 1) throw preconditionFailed(current.version + 1);
  }

  private async reload(id: string): Promise<E> {
    const row = await this.manager.createQueryBuilder(this.resource.entity, this.alias).withDeleted().where(`"${this.alias}"."id" = :id`, { id }).getOne();
    if (!row) throw new Error(`${this.resource.resource} ${id} vanished inside its own transaction`);
    return row;
  }

  private async audit(actor: Actor, id: string, action: string, before: E | null, after: E): Promise<void> {
    await this.deps.audit.record({
      actor,
      resource: this.resource.resource,
      recordId: id,
      action,
      before: before ? this.snapshot(before) : null,
      after: this.snapshot(after),
      policy: this.resource.audit,
    });
  }

  /** The entity's column values by property name (what the audit diff compares). */
  protected snapshot(entity: E): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const col of this.metadata.columns) out[col.propertyName] = col.getEntityValue(entity);
    return out;
  }

  private assertDataFields(data: object): void {
    for (const key of Object.keys(data)) {
      if ((SYSTEM_FIELDS as readonly string[]).includes(key)) throw invalid(key, 'may not be set');
      if (!this.metadata.findColumnWithPropertyName(key)) throw new Error(`${this.resource.resource}: ${key} is not a column of ${this.metadata.name}`);
    }
  }

  private definedValues(patch: object): Record<string, unknown> {
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  }

  /**
   * An owner the caller names (other than itself) must be a live, active user the caller may see
   * (as GET /users/{id} shows them) and one who may read the record with their own role; a team
   * must be a live team. Otherwise a 400 naming the field: a record is never handed to a user who
   * does not exist, whom the caller cannot know of, or who could not open it.
   */
  private async assertOwnerAndTeam(actor: Actor, ownerId: string | null, teamId: string | null, changed: { owner: boolean; team: boolean }): Promise<void> {
    const errors: FieldError[] = [];
    if (changed.owner && ownerId !== null && ownerId !== actor.userId) {
      const owner = await this.deps.identity.assignableUser(actor, ownerId);
      if (!owner) errors.push({ field: 'ownerId', message: 'is not an active user you can see' });
      else if (!withinScope(scopeOf(owner, this.resource.resource, 'read'), owner, ownerId, teamId)) {
        errors.push({ field: 'ownerId', message: `is a user who may not read ${this.resource.resource}` });
      }
    }
    if (changed.team && teamId !== null && !(await this.deps.identity.teamExists(teamId))) errors.push({ field: 'teamId', message: 'is not an existing team' });
    if (errors.length) throw new DomainError('VALIDATION_FAILED', 'validation', `Invalid request: ${errors.map((e) => e.field).join(', ')}.`, errors);
  }

  private assertAssignable(scope: Scope, actor: Actor, ownerId: string | null, teamId: string | null): void {
    if (!assignableWithin(scope, actor, ownerId, teamId)) {
      throw new DomainError('OWNER_OUT_OF_SCOPE', 'forbidden', 'You may not assign this record to that owner or team.', [
        { field: 'ownerId', message: 'is outside your scope' },
        { field: 'teamId', message: 'is outside your scope' },
      ]);
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);
  const x = norm(a);
  const y = norm(b);
  if (x === y) return true;
  return typeof x === 'object' && typeof y === 'object' && x !== null && y !== null && JSON.stringify(x) === JSON.stringify(y);
}
