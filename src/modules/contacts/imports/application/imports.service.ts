import { Injectable } from '@nestjs/common';
import { Propagation, Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor, scopeOf, SYSTEM_ACTOR } from '../../../../platform/access/actor';
import { newId } from '../../../../platform/database/columns';
import { conflict, forbidden } from '../../../../platform/errors/domain-error';
import { ActorLoader } from '../../../../platform/identity/persistence/actor-loader';
import { ListQuery, Page } from '../../../../platform/query/list-query';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { ImportOptions, parseImportOptions, Target } from '../domain/import-options';
import { REVERTIBLE } from '../domain/import-status';
import { ImportRevertJob, ImportRunJob } from '../jobs/import-jobs';
import { ImportEntity as ImportRecord, StoredImportOptions } from '../persistence/import.entity';
import { ImportsRepository } from '../persistence/imports.repository';
import { CsvInput, readHeader } from './csv-source';
import { ImportReport, MAX_REPORTED_ERRORS } from './import-report';
import { ImportRunner } from './import-runner';
import { checkMapping } from './mapping-check';

export { MAX_REPORTED_ERRORS };
export type { ImportReport };

/** Rolls a dry run's transaction back, carrying its report out. */
class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run: rolled back');
  }
}

/** A file to import: its bytes, and what the import row records about it. */
export interface ImportFile {
  id: string;
  input: CsvInput;
  name: string | null;
  bytes: number;
  /** Lines the file has (counted as it was uploaded): a run's progress total until it ends. */
  lines?: number;
}

/** The mapping as stored: CSV header → target, as `parseImportOptions` reads it back. */
function storedMapping(mapping: ReadonlyMap<string, Target>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of mapping.values()) out[t.column] = t.kind === 'field' ? t.field : `customFields.${t.key}${t.kind === 'currency' ? '.currency' : ''}`;
  return out;
}

/** The options an import row was created with, parsed again exactly as the request was. */
export function optionsOf(record: ImportRecord): ImportOptions {
  return parseImportOptions({
    entity: record.entity,
    mode: record.mode,
    ...(record.matchBy ? { matchBy: record.matchBy } : {}),
    mapping: JSON.stringify(record.options.mapping),
    dateFormat: record.options.dateFormat,
    delimiter: record.options.delimiter,
    ...(record.options.listSeparator ? { listSeparator: record.options.listSeparator } : {}),
  });
}

@Injectable()
export class ImportsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly customFields: CustomFieldsService,
    private readonly runner: ImportRunner,
    private readonly imports: ImportsRepository,
    private readonly outbox: OutboxService,
    private readonly actors: ActorLoader,
  ) {}

  /** The import needs the entity's create permission to create and its update permission to update. */
  assertMayImport(actor: Actor, opts: ImportOptions): void {
    const resource = opts.entity === 'contact' ? 'contacts' : 'companies';
    const needs = opts.mode === 'create' ? ['create'] : opts.mode === 'update' ? ['update'] : ['create', 'update'];
    for (const action of needs) {
      if (scopeOf(actor, resource, action as 'create' | 'update') === 'none') throw forbidden(`You may not ${action} ${resource}, which a ${opts.mode} import does.`);
    }
  }

  /**
   * Checks the stored file's header against the mapping (a 400, and nothing recorded, when they
   * do not fit), then records the import and enqueues its run in one transaction: the job
   * exists if and only if the import does. The file is already stored (under the import's id).
   */
  async submit(actor: Actor, file: ImportFile, opts: ImportOptions): Promise<ImportRecord> {
    this.assertMayImport(actor, opts);
    checkMapping(opts, await readHeader(file.input, opts.delimiter), await this.customFields.shapes(opts.entity));
    return this.enqueue(actor, file, opts);
  }

  @Transactional()
  private async enqueue(actor: Actor, file: ImportFile, opts: ImportOptions): Promise<ImportRecord> {
    const record = await this.record(actor, file, opts, 'queued');
    const job = await this.outbox.enqueue(ImportRunJob, { importId: record.id }, { key: record.id, ownerId: actor.userId, teamId: record.teamId });
    await this.imports.setJob(record.id, 'job_id', job.id);
    return (await this.imports.byId(record.id)) as ImportRecord;
  }

  /** An import run by this process itself (`crm import`) on a local file: recorded as running, no job. */
  @Transactional()
  async startLocal(actor: Actor, file: Omit<ImportFile, 'id'>, opts: ImportOptions): Promise<ImportRecord> {
    return this.record(actor, { ...file, id: newId() }, opts, 'running');
  }

  private async record(actor: Actor, file: ImportFile, opts: ImportOptions, status: 'queued' | 'running'): Promise<ImportRecord> {
    this.assertMayImport(actor, opts);
    const options: StoredImportOptions = { mapping: storedMapping(opts.mapping), dateFormat: opts.dateFormat, delimiter: opts.delimiter, listSeparator: opts.listSeparator };
    // An API key acts with its own role: the run acts with what the key could do when it asked.
    if (actor.type === 'apiKey') options.runAs = { ...actor, requestId: undefined };
    if (file.lines !== undefined) options.fileLines = file.lines;
    return this.imports.insert({
      id: file.id,
      ownerId: actor.userId,
      teamId: actor.teamIds[0] ?? null,
      actorType: actor.type,
      actorId: actor.id.slice(0, 64),
      entity: opts.entity,
      mode: opts.mode,
      matchBy: opts.matchBy,
      options,
      fileName: file.name,
      fileBytes: String(file.bytes),
      status,
      startedAt: status === 'running' ? new Date() : null,
    });
  }

  async get(actor: Actor, id: string): Promise<ImportRecord> {
    return this.imports.findOne(actor, id);
  }

  async list(actor: Actor, query: ListQuery): Promise<Page<ImportRecord>> {
    return this.imports.list(actor, query);
  }

  /** completed | failed → reverting, and the revert job, in one transaction; any other state is a 409. */
  @Transactional()
  async revert(actor: Actor, id: string): Promise<ImportRecord> {
    const current = await this.imports.findOne(actor, id, 'update', true);
    if (!REVERTIBLE.includes(current.status) || !(await this.imports.markReverting(id))) {
      throw conflict('IMPORT_NOT_REVERTIBLE', `Only a completed or failed import can be reverted; this one is ${current.status}.`, { importStatus: current.status });
    }
    // Keyed by the import's version: a revert that failed and is asked for again is a new job.
    const job = await this.outbox.enqueue(
      ImportRevertJob,
      { importId: id, actorType: actor.type, actorId: actor.id.slice(0, 64) },
      { key: `${id}:revert:${current.version}`, ownerId: actor.userId, teamId: current.teamId },
    );
    await this.imports.setJob(id, 'revert_job_id', job.id);
    return (await this.imports.byId(id)) as ImportRecord;
  }

  /** The actor a run acts as: the user who started it as they are now (role and teams re-read), or the key as it was. */
  async runAs(record: ImportRecord): Promise<Actor | null> {
    if (record.actorType === 'system') return SYSTEM_ACTOR;
    if (record.actorType === 'apiKey') return record.options.runAs ?? null;
    return record.ownerId ? this.actors.forUser(record.ownerId) : null;
  }

  /**
   * What the import would do, exactly: the real run (ImportRunner, the same matching and writes)
   * with its import record, in one transaction that is then rolled back, so nothing it wrote is
   * left (records, receipts, audit entries, the import itself; it enqueues no job and publishes
   * no event). Until then the records it updated stay locked. Memory stays that of a run: the file
   * streams through in batches.
   */
  async dryRun(actor: Actor, input: CsvInput, opts: ImportOptions): Promise<ImportReport> {
    this.assertMayImport(actor, opts);
    try {
      // A transaction of its own even inside another one: the rollback must take back all it wrote, and only that.
      await this.txHost.withTransaction(Propagation.RequiresNew, async () => {
        const record = await this.record(actor, { id: newId(), input, name: null, bytes: 0 }, opts, 'running');
        const out = await this.runner.run(record, actor, opts, input, async () => undefined, { dryRun: true });
        throw new DryRunRollback(out.report);
      });
    } catch (err) {
      if (err instanceof DryRunRollback) return err.report;
      throw err;
    }
    throw new Error('a dry run ends in its rollback');
  }
}
