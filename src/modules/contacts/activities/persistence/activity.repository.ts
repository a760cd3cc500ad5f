import { Injectable } from '@nestjs/common';
import { Actor } from '../../../../platform/access/actor';
import { filterMentions } from '../../../../platform/query/filter';
import { ListQuery, Page } from '../../../../platform/query/list-query';
import { DELETED_FIELD } from '../../../../platform/query/list-spec';
import { fetchPage } from '../../../../platform/query/paginate';
import { RecordDeps } from '../../../../platform/records/record-deps';
import { ScopedRepository } from '../../../../platform/records/scoped-repository';
import { SubjectRef } from '../domain/activity.types';
import { ActivityLinkEntity } from './activity-link.entity';
import { ACTIVITY_LIST, splitLinkConditions } from './activity-list';
import { ActivityEntity } from './activity.entity';

/** Sortable text of a timestamp with its microseconds (UTC ISO): a keyset position that compares as text. */
export const positionSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface TimelinePosition {
  at: string;
  id: string;
}

@Injectable()
export class ActivityRepository extends ScopedRepository<ActivityEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: ActivityEntity, resource: 'activities', list: ACTIVITY_LIST, noun: 'activity' });
  }

  /** The scoped list, with contactId/companyId filters answered from the link table. */
  override async list(actor: Actor, query: ListQuery): Promise<Page<ActivityEntity>> {
    const { filter, links } = splitLinkConditions(query.filter);
    const qb = this.scoped(actor, 'read', filterMentions(query.filter, DELETED_FIELD) ? 'any' : 'live');
    links.forEach((link, i) => {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM contacts.activity_links l${i} WHERE l${i}.activity_id = "${this.alias}"."id" AND l${i}.subject_type = :link_t${i} AND l${i}.subject_id = ANY(CAST(:link_ids${i} AS uuid[])))`,
        { [`link_t${i}`]: link.subjectType, [`link_ids${i}`]: link.ids },
      );
    });
    return fetchPage(qb, this.alias, ACTIVITY_LIST, { ...query, filter }, this.deps.cursors);
  }

  /** The subjects of each activity, in a stable order. */
  async linksOf(activityIds: readonly string[]): Promise<Map<string, SubjectRef[]>> {
    const out = new Map<string, SubjectRef[]>(activityIds.map((id) => [id, []]));
    if (!activityIds.length) return out;
    const rows = await this.manager
      .createQueryBuilder(ActivityLinkEntity, 'l')
      .where('l.activity_id = ANY(:ids)', { ids: [...activityIds] })
      .orderBy('l.subject_type')
      .addOrderBy('l.subject_id')
      .getMany();
    for (const row of rows) out.get(row.activityId)?.push({ type: row.subjectType, id: row.subjectId });
    return out;
  }

  /** Replaces the subjects of the given types (others, e.g. deals set by the sales module, stay). */
  async replaceLinks(activityId: string, types: readonly SubjectRef['type'][], subjects: readonly SubjectRef[]): Promise<void> {
    if (types.length) {
      await this.manager
        .createQueryBuilder()
        .delete()
        .from(ActivityLinkEntity)
        .where('activity_id = :activityId AND subject_type IN (:...types)', { activityId, types: [...types] })
        .execute();
    }
    if (subjects.length) {
      await this.manager
        .createQueryBuilder()
        .insert()
        .into(ActivityLinkEntity)
        .values(subjects.map((s) => ({ activityId, subjectType: s.type, subjectId: s.id })))
        .orIgnore()
        .execute();
    }
  }

  /**
   * What an activity relates to is part of it: a change of subjects is audited and, when no
   * column changed in the same write, bumps the version (so ETags and If-Match see it).
   * Runs after `update` in its transaction, with the row still locked.
   */
  async recordSubjectChange(actor: Actor, activityId: string, before: SubjectRef[], after: SubjectRef[], bumpVersion: boolean): Promise<ActivityEntity> {
    const keys = (list: SubjectRef[], type: SubjectRef['type']) => list.filter((s) => s.type === type).map((s) => s.id).sort();
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, type] of [['contactIds', 'contact'], ['companyIds', 'company'], ['dealIds', 'deal'], ['ticketIds', 'ticket']] as const) {
      const from = keys(before, type);
      const to = keys(after, type);
      if (from.join() !== to.join()) changes[field] = { from, to };
    }
    if (bumpVersion) {
      await this.manager
        .createQueryBuilder()
        .update(ActivityEntity)
        .set({ version: () => '"version" + 1' } as never)
        .where('"id" = :id', { id: activityId })
        .execute();
    }
    await this.deps.audit.record({ actor, resource: 'activities', recordId: activityId, action: 'update', changes });
    return this.findOne(actor, activityId, { deleted: 'any' });
  }

  /**
   * One timeline page of a subject's activities the actor may read, newest first, strictly
   * after `before`; each with its position.
   */
  async timelinePage(actor: Actor, subject: SubjectRef, limit: number, before: TimelinePosition | null): Promise<{ entity: ActivityEntity; position: string }[]> {
    const a = this.alias;
    const qb = this.scoped(actor, 'read')
      .andWhere(`EXISTS (SELECT 1 FROM contacts.activity_links tl WHERE tl.activity_id = "${a}"."id" AND tl.subject_type = :tl_type AND tl.subject_id = :tl_id)`, {
        tl_type: subject.type,
        tl_id: subject.id,
      })
      .addSelect(positionSql(`"${a}"."occurred_at"`), 'tl_position')
      .orderBy(`"${a}"."occurred_at"`, 'DESC')
      .addOrderBy(`"${a}"."id"`, 'DESC')
      .limit(limit);
    if (before) qb.andWhere(`("${a}"."occurred_at", "${a}"."id") < (CAST(:tl_at AS timestamptz), CAST(:tl_before AS uuid))`, { tl_at: before.at, tl_before: before.id });
    const { raw, entities } = await qb.getRawAndEntities();
    const positions = new Map((raw as Record<string, string>[]).map((r) => [r[`${a}_id`], r.tl_position]));
    return entities.map((entity) => ({ entity, position: positions.get(entity.id) as string }));
  }
}
