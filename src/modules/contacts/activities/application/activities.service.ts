import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor, scopeOf } from '../../../../platform/access/actor';
import { FieldError } from '../../../../platform/errors/domain-error';
import { IdentityFacade } from '../../../../platform/identity/identity.facade';
import { ListQuery, Page } from '../../../../platform/query/list-query';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { withinScope } from '../../../../platform/records/scope';
import { WriteOptions } from '../../../../platform/records/scoped-repository';
import { activityInvalid } from '../domain/activity.errors';
import { ActivityInput } from '../domain/activity.input';
import { ActivityState, reminderPending, resolveActivity } from '../domain/activity.rules';
import { ActivityType, MeetingAttendee, SubjectRef, SubjectType } from '../domain/activity.types';
import { TaskReminderJob } from '../jobs/activity-jobs';
import { ActivityEntity } from '../persistence/activity.entity';
import { ActivityRepository } from '../persistence/activity.repository';
import { ActivityView } from './activity.view';
import { SubjectAccess } from './subject-access';

const LINK_INPUTS: { field: 'contactIds' | 'companyIds'; type: SubjectType; noun: string }[] = [
  { field: 'contactIds', type: 'contact', noun: 'contact' },
  { field: 'companyIds', type: 'company', noun: 'company' },
];

/** Activities: CRUD with what they relate to, and scheduling of task reminders. */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly activities: ActivityRepository,
    private readonly subjects: SubjectAccess,
    private readonly identity: IdentityFacade,
    private readonly outbox: OutboxService,
  ) {}

  async list(actor: Actor, query: ListQuery): Promise<Page<ActivityView>> {
    const page = await this.activities.list(actor, query);
    return { data: await this.views(page.data), page: page.page };
  }

  async get(actor: Actor, id: string): Promise<ActivityView> {
    return this.view(await this.activities.findOne(actor, id));
  }

  @Transactional()
  async create(actor: Actor, input: ActivityInput & { type: ActivityType }): Promise<ActivityView> {
    const { values, errors } = resolveActivity(input.type, null, input, { now: new Date(), actorUserId: actor.userId });
    const subjects = this.subjectsOf(input);
    if (!subjects.length) errors.push({ field: 'contactIds', message: 'an activity relates to at least one contact or company (contactIds, companyIds)' });
    errors.push(...(await this.checkSubjects(actor, input, [])));
    errors.push(...(await this.checkAttendees(actor, input.type, values.attendees, [])));
    const assignee = await this.checkAssignee(actor, values.assigneeId, errors);
    if (errors.length) throw activityInvalid(errors);
    const created = await this.activities.create(actor, { type: input.type, ...values, ownerId: input.ownerId, teamId: input.teamId });
    this.assertAssigneeReaches(assignee, created);
    await this.activities.replaceLinks(created.id, [], subjects);
    await this.scheduleReminder(created);
    return { entity: created, subjects: await this.subjectsFor(created.id) };
  }

  @Transactional()
  async update(actor: Actor, id: string, input: ActivityInput, opts: WriteOptions = {}): Promise<ActivityView> {
    const current = await this.activities.findOne(actor, id);
    const { values, errors } = resolveActivity(current.type, current as unknown as ActivityState, input, { now: new Date(), actorUserId: actor.userId });
    const replaced = LINK_INPUTS.filter((l) => input[l.field] !== undefined).map((l) => l.type);
    if (replaced.length) {
      const kept = (await this.subjectsFor(id)).filter((s) => !replaced.includes(s.type) && (s.type === 'contact' || s.type === 'company'));
      if (!kept.length && !this.subjectsOf(input).length) errors.push({ field: 'contactIds', message: 'an activity relates to at least one contact or company (contactIds, companyIds)' });
    }
    const before = await this.subjectsFor(id);
    errors.push(...(await this.checkSubjects(actor, input, before)));
    errors.push(...(await this.checkAttendees(actor, current.type, values.attendees, current.attendees ?? [])));
    const assigneeChanged = values.assigneeId !== undefined && values.assigneeId !== current.assigneeId;
    const assignee = assigneeChanged ? await this.checkAssignee(actor, values.assigneeId, errors) : null;
    if (errors.length) throw activityInvalid(errors);
    let saved = await this.activities.update(actor, id, { ...values, ownerId: input.ownerId, teamId: input.teamId }, opts);
    if (assignee) this.assertAssigneeReaches(assignee, saved);
    else if (saved.assigneeId && (saved.ownerId !== current.ownerId || saved.teamId !== current.teamId)) {
      // Moved to another owner or team: the assignee must still be able to open it.
      this.assertAssigneeReaches(await this.identity.assignableUser(actor, saved.assigneeId), saved);
    }
    if (saved.version !== current.version && this.reminderMoved(current, saved)) await this.scheduleReminder(saved);
    if (!replaced.length) return { entity: saved, subjects: before };
    await this.activities.replaceLinks(id, replaced, this.subjectsOf(input));
    const after = await this.subjectsFor(id);
    if (sameSubjects(before, after)) return { entity: saved, subjects: after };
    saved = await this.activities.recordSubjectChange(actor, id, before, after, saved.version === current.version);
    return { entity: saved, subjects: after };
  }

  /** To the recycle bin; a pending reminder is cancelled (its job finds the task deleted). */
  @Transactional()
  async remove(actor: Actor, id: string, opts: WriteOptions = {}): Promise<ActivityView> {
    return this.view(await this.activities.softDelete(actor, id, opts));
  }

  /** Back from the recycle bin; a reminder still unsent is scheduled again (at once when overdue). */
  @Transactional()
  async restore(actor: Actor, id: string, opts: WriteOptions = {}): Promise<ActivityView> {
    const restored = await this.activities.restore(actor, id, opts);
    await this.scheduleReminder(restored);
    return this.view(restored);
  }

  private reminderMoved(before: ActivityEntity, after: ActivityEntity): boolean {
    const time = (d: Date | null) => d?.getTime() ?? null;
    return time(before.remindAt) !== time(after.remindAt) || before.status !== after.status;
  }

  /**
   * Enqueues the reminder through the outbox (it exists if and only if this change commits).
   * The job id is derived from the task, the time and the version, so each schedule is one
   * job; an older schedule still in Redis finds the task changed and does nothing.
   */
  private async scheduleReminder(task: ActivityEntity): Promise<void> {
    if (!reminderPending(task) || !task.remindAt) return;
    const remindAt = task.remindAt.toISOString();
    await this.outbox.enqueue(TaskReminderJob, { activityId: task.id, remindAt }, { key: `${task.id}:${remindAt}:v${task.version}`, runAt: task.remindAt });
  }

  private subjectsOf(input: ActivityInput): SubjectRef[] {
    return LINK_INPUTS.flatMap((l) => [...new Set(input[l.field] ?? [])].map((id) => ({ type: l.type, id: id.toLowerCase() })));
  }

  /**
   * Each contact, company… the activity is linked to must be one the caller may see; a link the
   * activity has already may stay when the caller cannot see its record (sending the links back
   * as GET showed them always works), as attendees and contacts' company links do.
   */
  private async checkSubjects(actor: Actor, input: ActivityInput, current: readonly SubjectRef[]): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    const kept = new Set(current.map((s) => `${s.type}:${s.id}`));
    for (const l of LINK_INPUTS) {
      const ids = input[l.field] ?? [];
      for (let i = 0; i < ids.length; i++) {
        if (kept.has(`${l.type}:${ids[i].toLowerCase()}`)) continue;
        // Not found and out of scope read the same: nothing leaks about records the caller cannot see.
        if (!(await this.subjects.canRead(actor, l.type, ids[i]))) errors.push({ field: `${l.field}[${i}]`, message: `is not a ${l.noun} you can see` });
      }
    }
    return errors;
  }

  /**
   * A meeting's attendees given as contacts: each one the caller may see, checked and worded as
   * contactIds are. An attendee already on the meeting may stay when the caller cannot see
   * them (a patch that keeps the list needs no wider view); only new ones are checked.
   */
  private async checkAttendees(actor: Actor, type: ActivityType, attendees: MeetingAttendee[] | undefined, current: MeetingAttendee[]): Promise<FieldError[]> {
    if (type !== 'meeting' || !attendees) return [];
    const kept = new Set(current.map((a) => a.contactId?.toLowerCase()).filter(Boolean));
    const errors: FieldError[] = [];
    for (let i = 0; i < attendees.length; i++) {
      const id = attendees[i].contactId;
      if (!id || kept.has(id)) continue;
      // Not found and out of scope read the same: nothing leaks about records the caller cannot see.
      if (!(await this.subjects.canRead(actor, 'contact', id))) errors.push({ field: `attendees[${i}].contactId`, message: 'is not a contact you can see' });
    }
    return errors;
  }

  /**
   * The assignee a caller names: a live, active user the caller may see (GET /users/{id}), or
   * the error naming assigneeId. Returned as the Actor they act as, for assertAssigneeReaches.
   */
  private async checkAssignee(actor: Actor, assigneeId: string | null | undefined, errors: FieldError[]): Promise<Actor | null> {
    if (!assigneeId) return null;
    const assignee = await this.identity.assignableUser(actor, assigneeId);
    if (!assignee) errors.push({ field: 'assigneeId', message: 'is not an active user you can see' });
    return assignee;
  }

  /**
   * The assignee gets the task's reminder: they must be able to open the task with their own
   * activities scope (its owner, a member of its team, or a wider scope). Thrown inside the
   * write's transaction, so the write is undone.
   */
  private assertAssigneeReaches(assignee: Actor | null, task: ActivityEntity): void {
    if (!assignee || withinScope(scopeOf(assignee, 'activities', 'read'), assignee, task.ownerId, task.teamId)) return;
    throw activityInvalid([{ field: 'assigneeId', message: 'may not open this activity: assign it to its owner or to a member of its team' }]);
  }

  private async subjectsFor(id: string): Promise<SubjectRef[]> {
    return (await this.activities.linksOf([id])).get(id) ?? [];
  }

  private async view(entity: ActivityEntity): Promise<ActivityView> {
    return { entity, subjects: await this.subjectsFor(entity.id) };
  }

  private async views(entities: ActivityEntity[]): Promise<ActivityView[]> {
    const links = await this.activities.linksOf(entities.map((e) => e.id));
    return entities.map((entity) => ({ entity, subjects: links.get(entity.id) ?? [] }));
  }
}

const subjectKey = (s: SubjectRef) => `${s.type}:${s.id}`;
const sameSubjects = (a: SubjectRef[], b: SubjectRef[]) => a.map(subjectKey).sort().join() === b.map(subjectKey).sort().join();
