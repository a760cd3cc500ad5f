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
const REVERT_SLICE = 5000;

export type ImportRevertResult = { skipped: true } | { importId: string; reverted: number };

/**
 * Reverts an import slice by slice (each one transaction that also removes the slice's receipt,
 * so a crash resumes with what is left), then marks it reverted and publishes `import.reverted`.
 */
@Injectable()
@OnJob(ImportRevertJob)
export class ImportRevertHandler implements JobHandler<PayloadOf<typeof ImportRevertJob>, ImportRevertResult> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly imports: ImportsRepository,
    private readonly writer: ImportRevertWriter,
    private readonly outbox: OutboxService,
  ) {}

  async handle(payload: PayloadOf<typeof ImportRevertJob>, ctx: JobContext): Promise<ImportRevertResult> {
    const record = await this.imports.byId(payload.importId);
    if (!record || record.status !== 'reverting') return { skipped: true };
    // The audit log names who asked for the revert.
    const actor: Actor = { ...SYSTEM_ACTOR, type: payload.actorType as Actor['type'], id: payload.actorId };
    let reverted = 0;
    try {
      for (;;) {
        const n = await this.txHost.withTransaction(() => this.writer.revertSlice(record.id, record.entity as ImportEntity, actor, REVERT_SLICE));
        if (!n) break;
        reverted += n;
        await ctx.progress(reverted, null);
      }
      await this.txHost.withTransaction(async () => {
        if (await this.imports.markReverted(record.id)) await this.outbox.publish(IMPORT_REVERTED, { importId: record.id });
      });
    } catch (err) {
      // Out of attempts: back to failed, from where the revert can be asked for again (it resumes).
      if (ctx.attempt >= (ImportRevertJob.options.attempts ?? 1)) await this.imports.fail(record.id, 'The revert stopped before the end; ask for it again to finish it.', ['reverting']);
      throw err;
    }
    return { importId: record.id, reverted };
  }
}
