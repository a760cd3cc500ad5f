import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor } from '../../../../platform/access/actor';
import { conflict } from '../../../../platform/errors/domain-error';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { companySearchText } from '../../domain/normalize';
import { columnOfField, ImportOptions } from '../domain/import-options';
import { IMPORT_COMPLETED } from '../domain/import.events';
import { RowError } from '../domain/import-status';
import { BatchContext, companyLine, contactLine, ImportBatchWriter, RoundPlanner, StagedBatch } from '../persistence/import-batch.writer';
import { ImportEntity as ImportRecord } from '../persistence/import.entity';
import { CopyBuffer } from '../persistence/copy-text';
import { CsvInput, readCsv, rowProblem } from './csv-source';
import { ReportBuilder } from './import-report';
import { checkMapping } from './mapping-check';
import { mapCompanyRow, mapContactRow } from './row-mapper';

/** Data rows per batch: one transaction, one COPY, a handful of set-based statements. */
export const IMPORT_BATCH_ROWS = 5000;

/**
 * Tuning and observation points of a run: the batch size, and what happens after each committed
 * batch (progress reporting; tests stop a run there to check that a resumed run starts after
 * the committed rows).
 */
@Injectable()
export class ImportRunSettings {
  batchRows = IMPORT_BATCH_ROWS;
  /** Called after each batch commits, with the number of data rows committed so far; never in a dry run. */
  afterBatch: (importId: string, rowsCommitted: number) => Promise<void> = async () => undefined;
}

/** Told after each committed batch: data rows committed so far. */
export type RunProgress = (rowsCommitted: number) => Promise<void>;

export interface RunOptions {
  /**
   * A dry run (ImportsService.dryRun): every batch joins the caller's transaction, which is
   * rolled back, and ImportRunSettings.afterBatch is not called (its hooks stand in for a real
   * run's worker: a crash, a hold).
   */
  dryRun?: boolean;
}

/**
 * Runs an import: streams the file, maps each row, and writes batches, each one transaction that
 * also moves the import's counters and `rowsCommitted` forward (a dry run is this run inside one
 * transaction that is rolled back). A run that starts on an import with committed rows (a retry after a crash) skips
 * them: nothing is written twice. The job and `crm import` both run imports through here.
 */
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger('imports');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly customFields: CustomFieldsService,
    private readonly writer: ImportBatchWriter,
    private readonly outbox: OutboxService,
    private readonly settings: ImportRunSettings,
  ) {}

  async run(record: ImportRecord, actor: Actor, opts: ImportOptions, input: CsvInput, progress: RunProgress, { dryRun = false }: RunOptions = {}): Promise<ReportBuilder> {
    const defs = await this.customFields.shapes(opts.entity);
    const ctx: BatchContext = {
      importId: record.id,
      entity: opts.entity,
      mode: opts.mode,
      matchBy: opts.matchBy,
      actor,
      externalIdColumn: columnOfField(opts, 'externalId'),
      emailColumn: mappedColumn(opts, 'email', 'emails'),
      phoneColumn: mappedColumn(opts, 'phone', 'phones'),
    };
    // A row that may create a contact waits, within its batch, for an earlier row with one of its
    // phones: that one's contact then makes it a duplicate.
    const phoneRounds = opts.entity === 'contact' && opts.mode !== 'update';
    // What is committed, and what the rows read since the last hand-over add to it.
    let committedReport = ReportBuilder.resume(record);
    let committed = record.rowsCommitted;
    const skip = committed;
    let tally = new ReportBuilder();
    let copy = new CopyBuffer();
    let planner = new RoundPlanner();
    let pendingPhones = 0;
    let lastRow = committed;
    let handedOver = committed;
    // One batch is written while the next is read and mapped: the database and this process work
    // at once. Batches still commit one after the other, in file order. Reading and mapping send
    // no query, so in a dry run (every batch joins its one transaction, on one connection) the
    // batch being written is still the only one using the connection.
    let writing: Promise<void> | null = null;
    const write = async (batch: StagedBatch, read: ReportBuilder, upTo: number) => {
      let next: ReportBuilder | undefined;
      // Propagation REQUIRED: a transaction of its own, or the dry run's.
      await this.txHost.withTransaction(async () => {
        await this.claim(record.id, committed);
        const written = await this.writer.write(ctx, batch);
        next = committedReport.clone();
        next.merge(read.report);
        next.add(written);
        await this.saveProgress(record.id, next, upTo);
      });
      committedReport = next as ReportBuilder;
      committed = upTo;
      await progress(committed);
      if (!dryRun) await this.settings.afterBatch(record.id, committed);
    };
    // The buffer of the batch being written; once written, the next batch fills it again.
    let inFlight: CopyBuffer | null = null;
    const handOver = async () => {
      if (writing) await writing;
      const batch: StagedBatch = { copy, rounds: planner.rounds, pendingPhones };
      pendingPhones = 0;
      const read = tally;
      const free = inFlight;
      inFlight = copy;
      copy = free ? free.reset() : new CopyBuffer();
      planner = new RoundPlanner();
      tally = new ReportBuilder();
      handedOver = lastRow;
      writing = write(batch, read, lastRow);
      // Awaited at the next hand-over; a failure must not surface as an unhandled rejection meanwhile.
      writing.catch(() => undefined);
    };
    const rows = readCsv(input, opts.delimiter, (headers) => {
      // Before the first row is written: a mapping that does not fit fails the run at once (a
      // resumed run checked it when it started).
      if (skip === 0) checkMapping(opts, headers, defs);
    });
    // Once a batch is being written, ending the run waits for it: after run() has failed, nothing
    // of it still uses the database (a dry run rolls its transaction back at once, and a query
    // sent after that rollback would run outside any transaction).
    const settled = async () => {
      if (writing) await writing.catch(() => undefined);
    };
    try {
      for await (const row of rows) {
        if (row.row <= skip) continue;
        tally.report.rows++;
        lastRow = row.row;
        // Rows of a chunk come through promises alone: without a turn of the event loop between
        // rows, the answers of the batch being written wait until a whole chunk is mapped, and
        // Postgres idles meanwhile (a quarter of an import's time; 7,864 → 10,213 rows/s
        // measured with a turn after every row, 8,621 after every 50th).
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (row.problem) tally.fail([rowProblem(row)]);
        else if (opts.entity === 'contact') {
          const { contact, errors } = mapContactRow(row, opts, defs);
          if (!contact) tally.fail(errors);
          else {
            if (contact.pendingPhones) pendingPhones++;
            const phones = phoneRounds ? (contact.data.phoneKeys ?? []) : [];
            copy.push(contactLine(contact, planner.roundOf(roundKeys(contact.emailKeys, contact.externalId, phones))));
          }
        } else {
          const { company, errors } = mapCompanyRow(row, opts, defs);
          if (!company) tally.fail(errors);
          else {
            const searchText = companySearchText({ name: company.input.name ?? '', domains: company.input.domains ?? [] });
            copy.push(companyLine(company, planner.roundOf(roundKeys([], company.input.externalId ?? null)), searchText));
          }
        }
        if (lastRow - handedOver >= this.settings.batchRows) await handOver();
      }
      if (lastRow > handedOver || handedOver === 0) await handOver();
      await writing;
    } catch (err) {
      await settled();
      throw err;
    }
    return committedReport;
  }

  /** Locks the import row and checks that no other run committed past us (a stalled job run twice). */
  private async claim(importId: string, committed: number): Promise<void> {
    const rows: { rows_committed: number; status: string }[] = await this.txHost.tx.query(
      `SELECT rows_committed, status FROM contacts.imports WHERE id = $1 FOR UPDATE`,
      [importId],
    );
    const row = rows[0];
    // Behind what this run committed: the database lost its last commits (batches commit without
    // waiting for the disk); an ordinary failure, so the job retries from what was kept.
    if (row && row.rows_committed < committed) throw new Error(`import ${importId}: rows_committed went back from ${committed} to ${row.rows_committed}`);
    if (!row || row.status !== 'running' || row.rows_committed !== committed) {
      throw conflict('IMPORT_MOVED_ON', 'The import was changed by another run; this run stops.');
    }
  }

  private async saveProgress(importId: string, out: ReportBuilder, rowsCommitted: number): Promise<void> {
    const r = out.report;
    await this.txHost.tx.query(
      `UPDATE contacts.imports SET rows_read = $2, created = $3, updated = $4, skipped = $5, failed = $6,
              errors = COALESCE($7::jsonb, errors), errors_truncated = $8, rows_committed = $9, unchanged = $10, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [importId, r.rows, r.created, r.updated, r.skipped, r.failed, out.takeErrorsIfChanged(), r.errorsTruncated, rowsCommitted, r.unchanged],
    );
  }

  /** Marks the run completed and publishes one `import.completed` event for the whole file, in one transaction. */
  async complete(importId: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      await this.txHost.tx.query(
        `UPDATE contacts.imports SET status = 'completed', finished_at = now(), version = version + 1, updated_at = now() WHERE id = $1 AND status = 'running'`,
        [importId],
      );
      await this.outbox.publish(IMPORT_COMPLETED, { importId });
    });
    this.logger.log(`import ${importId} completed`);
  }
}

/** The keys a row is matched and de-duplicated by within a batch: its emails, its external id and (where it may create) its phones. */
function roundKeys(emailKeys: readonly string[], externalId: string | null, phoneKeys: readonly string[] = []): string[] {
  const keys = [...emailKeys, ...phoneKeys.map((p) => `\u0000p:${p}`)];
  return externalId ? [...keys, `\u0000x:${externalId}`] : keys;
}

/** The CSV column feeding the first of `fields` that is mapped (the first field's name when none is): how a row's problem is named. */
function mappedColumn(opts: ImportOptions, ...fields: string[]): string {
  for (const field of fields) {
    const column = columnOfField(opts, field);
    if (column !== field || [...opts.mapping.values()].some((t) => t.kind === 'field' && t.field === field)) return column;
  }
  return fields[0];
}

export type { RowError };
