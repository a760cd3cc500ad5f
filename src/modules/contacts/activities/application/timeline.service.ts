import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor, scopeOf } from '../../../../platform/access/actor';
import { allResources } from '../../../../platform/access/resources';
import { AuditLogEntity } from '../../../../platform/audit/audit-log.entity';
import { AuditQueryService } from '../../../../platform/audit/audit-query.service';
import { notFound } from '../../../../platform/errors/domain-error';
import { CursorCodec } from '../../../../platform/query/cursor';
import { Page } from '../../../../platform/query/list-query';
import { SqlParams } from '../../../../platform/query/sql';
import { scopeCondition } from '../../../../platform/records/scope';
import { ActivityRepository, positionSql, TimelinePosition } from '../persistence/activity.repository';
import { TimelineEntryEntity } from '../persistence/timeline-entry.entity';
import { ActivityView } from './activity.view';
import { SubjectAccess } from './subject-access';

export type TimelineSubject = 'contact' | 'company';

/** The audit resource of each subject (what its ScopedRepository records changes under). */
const AUDIT_RESOURCE: Record<TimelineSubject, string> = { contact: 'contacts', company: 'companies' };

export type TimelineItem =
  | { kind: 'activity'; id: string; occurredAt: Date; activity: ActivityView }
  | { kind: 'change'; id: string; occurredAt: Date; change: AuditLogEntity }
  | { kind: 'event'; id: string; occurredAt: Date; event: TimelineEntryEntity };

interface Positioned {
  position: string;
  item: TimelineItem;
}

/**
 * A contact's or company's history: its activities, its changes (the audit log) and what other
 * modules reported about it (timeline entries), merged newest first. Each source is read as a
 * keyset page after the same position (occurredAt with microseconds, then id; ids are unique
 * across sources), so the merge is itself a keyset page and page N costs what page 1 costs.
 */
@Injectable()
export class TimelineService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly activities: ActivityRepository,
    private readonly audit: AuditQueryService,
    private readonly subjects: SubjectAccess,
    private readonly cursors: CursorCodec,
  ) {}

  async timeline(actor: Actor, subject: TimelineSubject, id: string, query: { limit: number; cursor?: string | null }): Promise<Page<TimelineItem>> {
    if (!(await this.subjects.canRead(actor, subject, id))) throw notFound(subject);
    // A cursor belongs to one record's timeline: another record's is refused as foreign.
    const signature = `timeline:${subject}:${id.toLowerCase()}:-occurredAt,-id`;
    const before: TimelinePosition | null = query.cursor ? this.position(this.cursors.decode(query.cursor, signature, 2)) : null;
    const take = query.limit + 1;
    const subjectId = id.toLowerCase();

    const activities = await this.activities.timelinePage(actor, { type: subject, id: subjectId }, take, before);
    const links = await this.activities.linksOf(activities.map((a) => a.entity.id));
    const changes = await this.audit.historyOf(AUDIT_RESOURCE[subject], subjectId, { limit: take, before });
    const events = await this.events(actor, subject, subjectId, take, before);

    const merged: Positioned[] = [
      ...activities.map(({ entity, position }) => ({
        position,
        item: { kind: 'activity' as const, id: entity.id, occurredAt: entity.occurredAt, activity: { entity, subjects: links.get(entity.id) ?? [] } },
      })),
      ...changes.map(({ entry, position }) => ({ position, item: { kind: 'change' as const, id: entry.id, occurredAt: entry.occurredAt, change: entry } })),
      ...events,
    ].sort((a, b) => (a.position === b.position ? cmp(b.item.id, a.item.id) : cmp(b.position, a.position)));

    const page = merged.slice(0, query.limit);
    const hasMore = merged.length > query.limit;
    const last = page[page.length - 1];
    return {
      data: page.map((p) => p.item),
      page: { hasMore, nextCursor: hasMore && last ? this.cursors.encode(signature, [last.position, last.item.id]) : null },
    };
  }

  private position(values: (string | null)[]): TimelinePosition {
    const [at, id] = values;
    if (!at || !id) throw new Error('timeline cursor without a position');
    return { at, id };
  }

  /**
   * Entries from other modules, each visible when the reader's scope on the entry's resource
   * reaches the record's owner/team as published; entries of no known resource follow the subject.
   */
  private async events(actor: Actor, subject: TimelineSubject, id: string, limit: number, before: TimelinePosition | null): Promise<Positioned[]> {
    const params = new SqlParams('te_');
    const known = allResources();
    const perResource = known.map((resource) => `(e.resource = ${params.bind(resource)} AND ${scopeCondition(scopeOf(actor, resource, 'read'), actor, 'e', params)})`);
    const qb = this.txHost.tx
      .createQueryBuilder(TimelineEntryEntity, 'e')
      .where('e.subject_type = :te_type AND e.subject_id = :te_id', { te_type: subject, te_id: id })
      .andWhere(`(e.resource IS NULL OR NOT (e.resource = ANY(${params.bind(known)})) OR ${perResource.join(' OR ')})`)
      .setParameters(params.values)
      .addSelect(positionSql('e.occurred_at'), 'te_position')
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit);
    if (before) qb.andWhere('(e.occurred_at, e.id) < (CAST(:te_at AS timestamptz), CAST(:te_before AS uuid))', { te_at: before.at, te_before: before.id });
    const { raw, entities } = await qb.getRawAndEntities();
    const positions = new Map((raw as Record<string, string>[]).map((r) => [r.e_id, r.te_position]));
    return entities.map((event) => ({ position: positions.get(event.id) as string, item: { kind: 'event' as const, id: event.id, occurredAt: event.occurredAt, event } }));
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
