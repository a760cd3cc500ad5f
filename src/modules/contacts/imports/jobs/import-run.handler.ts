import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DomainError } from '../../../../platform/errors/domain-error';
import { JobContext, JobHandler, OnJob, PayloadOf } from '../../../../platform/queue/job-definition';
import { ImportRunner } from '../application/import-runner';
import { ImportsService, optionsOf } from '../application/imports.service';
import { ImportUploads } from '../persistence/import-uploads';
import { ImportsRepository } from '../persistence/imports.repository';
import { ImportRunJob } from './import-jobs';

export type ImportRunResult =
  | { skipped: true; reason: string }
  | { importId: string; rows: number; created: number; updated: number; unchanged: number; skipped: number; failed: number };

/**
 * Runs one import. Re-reads the import: one that is past running (completed, failed, reverted) is
 * left alone; one that is running already (a retry after a crash) resumes after its committed
 * rows. The uploaded file is deleted once the run ends either way.
 */
@Injectable()
@OnJob(ImportRunJob)
export class ImportRunHandler implements JobHandler<PayloadOf<typeof ImportRunJob>, ImportRunResult> {
  private readonly logger = new Logger('imports');

  constructor(
    private readonly imports: ImportsRepository,
    private readonly service: ImportsService,
    private readonly runner: ImportRunner,
    private readonly uploads: ImportUploads,
  ) {}

  async handle({ importId }: PayloadOf<typeof ImportRunJob>, ctx: JobContext): Promise<ImportRunResult> {
    const record = await this.imports.start(importId);
    if (!record) return { skipped: true, reason: 'the import is not waiting to run' };
    try {
      const actor = await this.service.runAs(record);
      if (!actor) throw new DomainError('IMPORT_ACTOR_GONE', 'conflict', 'The user who started the import is no longer active.');
      const opts = optionsOf(record);
      // Permissions as they are now: a role changed since the upload is what counts.
      this.service.assertMayImport(actor, opts);
      // The total until the run ends: the file's lines less the header, counted at upload (a
      // value spanning lines, or blank lines, make it an over-estimate); then the rows read.
      const estimate = record.options.fileLines === undefined ? null : Math.max(record.options.fileLines - 1, 0);
      const total = (done: number) => (estimate === null ? null : Math.max(estimate, done));
      await ctx.progress(record.rowsCommitted, total(record.rowsCommitted));
      const out = await this.runner.run(record, actor, opts, this.uploads.input(importId), (done) => ctx.progress(done, total(done)));
      await this.runner.complete(importId);
      await this.uploads.discard(importId);
      const r = out.report;
      await ctx.progress(r.rows, r.rows);
      return { importId, rows: r.rows, created: r.created, updated: r.updated, unchanged: r.unchanged, skipped: r.skipped, failed: r.failed };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'IMPORT_MOVED_ON') return { skipped: true, reason: 'another run of the import went further' };
      // A file that turns out not to be CSV half-way, a user who left: trying again changes nothing.
      const deliberate = err instanceof DomainError;
      const final = deliberate || ctx.attempt >= (ImportRunJob.options.attempts ?? 1);
      if (final) {
        const message = deliberate ? err.message : 'The import stopped because of an internal error; the rows committed before it stay (revert the import to undo them).';
        await this.imports.fail(importId, message, ['running']);
        await this.uploads.discard(importId);
        this.logger.warn(`import ${importId} failed: ${(err as Error).message}`);
      }
      throw deliberate ? new UnrecoverableError(err.message) : err;
    }
  }
}
