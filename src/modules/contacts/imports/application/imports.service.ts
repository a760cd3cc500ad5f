import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor, scopeOf, SYSTEM_ACTOR } from '../../../../platform/access/actor';
import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { newId } from '../../../../platform/database/columns';
import { conflict, forbidden } from '../../../../platform/errors/domain-error';
import { ActorLoader } from '../../../../platform/identity/persistence/actor-loader';
import { ListQuery, Page } from '../../../../platform/query/list-query';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { columnOfField, ImportOptions, parseImportOptions, Target } from '../domain/import-options';
import { EXTERNAL_ID_TAKEN, REVERTIBLE } from '../domain/import-status';
import { ImportRevertJob, ImportRunJob } from '../jobs/import-jobs';
import { ImportEntity as ImportRecord, StoredImportOptions } from '../persistence/import.entity';
import { ImportCompanyMatchRepository, ImportMatchRepository } from '../persistence/import-match.repository';
import { ImportsRepository } from '../persistence/imports.repository';
import { CsvInput, CsvRow, readCsv } from './csv-source';
import { ImportReport, MAX_REPORTED_ERRORS, ReportBuilder } from './import-report';
import { mapCompanyRow, mapContactRow } from './row-mapper';

export { MAX_REPORTED_ERRORS };
export type { ImportReport };

/** Rows matched against the database per query. */
const MATCH_BATCH = 1000;
/** Prefix of external-id match keys, so they never meet an email key. */
const EXTERNAL = '\u0000x:';

/** A file to import: its bytes, and what the import row records about it. */
export interface ImportFile {
  id: string;
  input: CsvInput;
  name: string | null;
  bytes: number;
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
  });
}

@Injectable()
export class ImportsService {
  constructor(
    private readonly customFields: CustomFieldsService,
    private readonly contactMatches: ImportMatchRepository,
    private readonly companyMatches: ImportCompanyMatchRepository,
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
   * Records the import and enqueues its run in one transaction: the job exists if and only if
   * the import does. The file is already stored (under the import's id).
   */
  @Transactional()
  async submit(actor: Actor, file: ImportFile, opts: ImportOptions): Promise<ImportRecord> {
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
    const options: StoredImportOptions = { mapping: storedMapping(opts.mapping), dateFormat: opts.dateFormat, delimiter: opts.delimiter };
    // An API key acts with its own role: the run acts with what the key could do when it asked.
    if (actor.type === 'apiKey') options.runAs = { ...actor, requestId: undefined };
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
      throw conflict('IMPORT_NOT_REVERTIBLE', `Only a completed or failed import can be reverted; this one is ${current.status}.`, { status: current.status });
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
   * Reads the whole file, checks every row like the API would, and matches rows to existing
   * records in the actor's scope, writing nothing. Rows are matched in batches, so memory holds
   * one batch plus the match keys already seen in the file.
   */
  async dryRun(actor: Actor, input: CsvInput, opts: ImportOptions): Promise<ImportReport> {
    this.assertMayImport(actor, opts);
    const defs = await this.customFields.shapes(opts.entity);
    const out = new ReportBuilder();
    const rows = readCsv(input, opts.delimiter, (headers) => out.checkHeaders(headers, opts));
    await this.dryRunRows(actor, rows, opts, defs, out);
    return out.report;
  }

  /** The keys a row is matched by: its emails (contacts, create mode or matchBy email) and its external id. */
  private keysOf(opts: ImportOptions, emailKeys: readonly string[], externalId: string | null): string[] {
    const keys: string[] = [];
    if (opts.entity === 'contact' && (opts.mode === 'create' || opts.matchBy === 'email')) keys.push(...emailKeys);
    if (externalId && (opts.mode === 'create' || opts.matchBy === 'externalId')) keys.push(`${EXTERNAL}${externalId}`);
    return keys;
  }

  /** Match key → id of the record it finds in the actor's update scope. */
  private async existing(actor: Actor, opts: ImportOptions, keys: readonly string[]): Promise<Map<string, string>> {
    const emails = keys.filter((k) => !k.startsWith(EXTERNAL));
    const externalIds = keys.filter((k) => k.startsWith(EXTERNAL)).map((k) => k.slice(EXTERNAL.length));
    const found = new Map<string, string>();
    if (emails.length) for (const [k, id] of await this.contactMatches.byEmails(actor, emails)) found.set(k, id);
    if (externalIds.length) {
      const repo = opts.entity === 'contact' ? this.contactMatches : this.companyMatches;
      for (const [k, id] of await repo.byExternalIds(actor, externalIds)) found.set(`${EXTERNAL}${k}`, id);
    }
    return found;
  }

  private async dryRunRows(actor: Actor, rows: AsyncGenerator<CsvRow>, opts: ImportOptions, defs: readonly CustomFieldShape[], out: ReportBuilder): Promise<void> {
    // Keys of rows that would create a record (→ a stand-in id): a later row with one of them meets that record.
    const createdInFile = new Map<string, string>();
    const externalIdColumn = columnOfField(opts, 'externalId');
    let batch: { row: number; keys: string[]; externalId: string | null }[] = [];
    const flush = async () => {
      const existing = await this.existing(actor, opts, [...new Set(batch.flatMap((b) => b.keys))]);
      const repo = opts.entity === 'contact' ? this.contactMatches : this.companyMatches;
      const holders = await repo.holdersOf([...new Set(batch.map((b) => b.externalId).filter((x): x is string => !!x))]);
      for (const { row, keys, externalId } of batch) {
        const target = keys.map((k) => existing.get(k) ?? createdInFile.get(k)).find((id) => id !== undefined);
        const outcome = target ? (opts.mode === 'create' ? 'skip' : 'update') : opts.mode === 'update' ? 'skip' : 'create';
        // As the run does: an external id another live record holds cannot be taken.
        const holder = externalId ? (holders.get(externalId) ?? createdInFile.get(`${EXTERNAL}${externalId}`)) : undefined;
        if (outcome !== 'skip' && holder !== undefined && holder !== target) {
          out.add({ created: 0, updated: 0, skipped: 0, conflicts: [{ row, column: externalIdColumn, message: EXTERNAL_ID_TAKEN }] });
        } else if (outcome === 'create') {
          out.report.created++;
          const standIn = `row:${row}`;
          keys.forEach((k) => createdInFile.set(k, standIn));
          if (externalId) createdInFile.set(`${EXTERNAL}${externalId}`, standIn);
        } else if (outcome === 'update') out.report.updated++;
        else out.report.skipped++;
      }
      batch = [];
    };
    for await (const row of rows) {
      out.report.rows++;
      if (opts.entity === 'contact') {
        const { contact, errors } = mapContactRow(row, opts, defs);
        if (!contact) out.fail(errors);
        else batch.push({ row: row.row, keys: this.keysOf(opts, contact.emailKeys, contact.externalId), externalId: contact.externalId });
      } else {
        const { company, errors } = mapCompanyRow(row, opts, defs);
        if (!company) out.fail(errors);
        else batch.push({ row: row.row, keys: this.keysOf(opts, [], company.input.externalId ?? null), externalId: company.input.externalId ?? null });
      }
      if (batch.length >= MATCH_BATCH) await flush();
    }
    await flush();
  }
}
