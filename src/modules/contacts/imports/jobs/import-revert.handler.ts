import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor, SYSTEM_ACTOR } from '../../../../platform/access/actor';
import { JobContext, JobHandler, OnJob, PayloadOf } from '../../../../platform/queue/job-definition';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { ImportEntity } from '../domain/import-options';
import { IMPORT_REVERTED } from '../domain/import.events';
import { ImportRevertWriter } from '../persistence/import-revert.writer';
import { ImportsRepository } from '../persistence/imports.repository';
import { ImportRevertJob } from './import-jobs';

/** Receipt rows reverted per transaction. */
export const REVERT_SLICE = 5000;

/** How a revert runs: the slice size, and a hook after each committed slice (tests stop a worker there). */
@Injectable()
export class ImportRevertSettings {
  sliceRows = REVERT_SLICE;
  afterSlice: (importId: string, reverted: number) => Promise<void> = async () => undefined;
}

/**
 * The revert's result (the job's `result`), over every attempt: `reverted` receipt rows (records
 * the import created or updated), `conflicts` records that kept something done since the import
 * (a field changed since keeps its newer value; a created record changed since is kept), of which
 * `createdKept` created records kept. Counts only: no record ids or values.
 */
export type ImportRevertResult = { skipped: true } | { importId: string; reverted: number; conflicts: number; createdKept: number };

/**
 * Reverts an import slice by slice (each one transaction that also removes the slice's receipt
 * and moves the import's revert counts forward, so a crash resumes with what is left and the
 * counts stay whole), then marks it reverted and publishes `import.reverted`.
 */
@Injectable()
@OnJob(ImportRevertJob)
export class ImportRevertHandler implements JobHandler<PayloadOf<typeof ImportRevertJob>, ImportRevertResult> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly imports: ImportsRepository,
    private readonly writer: ImportRevertWriter,
    private readonly outbox: OutboxService,
    private readonly settings: ImportRevertSettings,
  ) {}

  async handle(payload: PayloadOf<typeof ImportRevertJob>, ctx: JobContext): Promise<ImportRevertResult> {
    const record = await this.imports.byId(payload.importId);
    if (!record || record.status !== 'reverting') return { skipped: true };
    // The audit log names who asked for the revert.
    const actor: Actor = { ...SYSTEM_ACTOR, type: payload.actorType as Actor['type'], id: payload.actorId };
    // What earlier attempts did is on the import: this one carries on from there.
    let totals = { reverted: record.revertedCount, conflicts: record.revertConflicts, createdKept: record.revertCreatedKept };
    const total = totals.reverted + (await this.writer.remaining(record.id));
    await ctx.progress(totals.reverted, total);
    try {
      for (;;) {
        const slice = await this.txHost.withTransaction(() => this.writer.revertSlice(record.id, record.entity as ImportEntity, actor, this.settings.sliceRows));
        if (!slice.n) break;
        totals = { reverted: slice.reverted, conflicts: slice.conflicts, createdKept: slice.createdKept };
        await ctx.progress(totals.reverted, total);
        await this.settings.afterSlice(record.id, totals.reverted);
      }
      await this.txHost.withTransaction(async () => {
        if (await this.imports.markReverted(record.id)) await this.outbox.publish(IMPORT_REVERTED, { importId: record.id });
      });
    } catch (err) {
      // Out of attempts: back to failed, from where the revert can be asked for again (it resumes).
      if (ctx.attempt >= (ImportRevertJob.options.attempts ?? 1)) await this.imports.fail(record.id, 'The revert stopped before the end; ask for it again to finish it.', ['reverting']);
      throw err;
    }
    return { importId: record.id, ...totals };
  }
}
