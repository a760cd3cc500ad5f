import { Inject, Injectable, Logger, Type } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { newId } from '../../../../platform/database/columns';
import { JobContext, JobDefinition, JobHandler, OnJob } from '../../../../platform/queue/job-definition';
import { TimelineEventPayload } from '../domain/timeline-events';
import { TimelineEntryEntity } from '../persistence/timeline-entry.entity';
import { TIMELINE_INGEST_JOBS } from './activity-jobs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCE = /^[a-z][a-z0-9-]{0,63}$/;
const MAX_SUBJECTS = 100;

const uuidOrNull = (v: unknown): string | null => (typeof v === 'string' && UUID.test(v) ? v.toLowerCase() : null);
const uuids = (v: unknown): string[] => (Array.isArray(v) ? [...new Set(v.map(uuidOrNull).filter((x): x is string => x !== null))].slice(0, MAX_SUBJECTS) : []);

/**
 * One timeline entry per contact and company an event names. Keyed by the job (itself derived
 * from the event's outbox row), so a replayed event adds nothing. A malformed payload is the
 * publisher's bug: what can be read is kept, the rest dropped with a warning, never retried.
 */
@Injectable()
export class TimelineIngestService {
  private readonly logger = new Logger('timeline');

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Transactional()
  async ingest(event: string, payload: TimelineEventPayload, ctx: JobContext): Promise<{ entries: number }> {
    const subjects = [...uuids(payload.contactIds).map((id) => ({ type: 'contact' as const, id })), ...uuids(payload.companyIds).map((id) => ({ type: 'company' as const, id }))];
    if (!subjects.length) {
      this.logger.warn(`${event} (job ${ctx.jobId}) names no contactIds or companyIds: nothing to put on a timeline`);
      return { entries: 0 };
    }
    const occurred = typeof payload.occurredAt === 'string' ? new Date(payload.occurredAt) : null;
    const occurredAt = occurred && !Number.isNaN(occurred.getTime()) ? occurred : new Date();
    const resource = typeof payload.resource === 'string' && RESOURCE.test(payload.resource) ? payload.resource : null;
    const summary = typeof payload.summary === 'string' ? payload.summary.slice(0, 500) : null;
    const rows: unknown[] = await this.txHost.tx
      .createQueryBuilder()
      .insert()
      .into(TimelineEntryEntity)
      .values(
        subjects.map((s) => ({
          id: newId(),
          subjectType: s.type,
          subjectId: s.id,
          occurredAt,
          event,
          sourceEventId: ctx.jobId,
          resource,
          recordId: uuidOrNull(payload.recordId),
          ownerId: uuidOrNull(payload.ownerId),
          teamId: uuidOrNull(payload.teamId),
          summary,
        })),
      )
      .orIgnore()
      .returning(['id'])
      .execute()
      .then((r) => r.raw as unknown[]);
    return { entries: rows.length };
  }
}

/** The handler class of one event's ingest job (the registry pairs one class with one job). */
function ingestHandlerFor(event: string, job: JobDefinition<TimelineEventPayload>): Type<JobHandler<TimelineEventPayload>> {
  @Injectable()
  @OnJob(job)
  class TimelineIngestHandler implements JobHandler<TimelineEventPayload, { entries: number }> {
    constructor(@Inject(TimelineIngestService) private readonly ingest: TimelineIngestService) {}

    handle(payload: TimelineEventPayload, ctx: JobContext): Promise<{ entries: number }> {
      return this.ingest.ingest(event, payload, ctx);
    }
  }
  Object.defineProperty(TimelineIngestHandler, 'name', { value: `TimelineIngestHandler(${event})` });
  return TimelineIngestHandler;
}

export const TIMELINE_INGEST_HANDLERS = TIMELINE_INGEST_JOBS.map(({ event, job }) => ingestHandlerFor(event, job));
