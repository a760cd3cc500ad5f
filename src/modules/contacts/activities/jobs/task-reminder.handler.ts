import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { scopeOf } from '../../../../platform/access/actor';
import { IdentityFacade } from '../../../../platform/identity/identity.facade';
import { NotificationsService } from '../../../../platform/notifications/notifications.service';
import { JobHandler, OnJob, PayloadOf } from '../../../../platform/queue/job-definition';
import { OutboxService } from '../../../../platform/queue/outbox.service';
import { withinScope } from '../../../../platform/records/scope';
import { ReminderEmailJob, TaskReminderJob } from './activity-jobs';

export type TaskReminderResult =
  | { sent: true; notificationId: string }
  | { sent: false; reason: 'not-due' | 'no-recipient' | 'assignee-cannot-see-task' | 'owner-cannot-see-task' };

interface ClaimedTask {
  id: string;
  subject: string | null;
  assignee_id: string | null;
  owner_id: string | null;
  team_id: string | null;
  due_at: Date | null;
  reminder_sent_at: Date;
}

/**
 * Sends a task's reminder exactly once. The claim is one UPDATE that only succeeds while the
 * task is live, open, still set to remind at this job's time and not reminded yet: a moved,
 * completed, cancelled or deleted task, an already sent reminder, and a duplicate job (the
 * sweep, a retry) all find nothing to claim. The reminder goes to the assignee, or to the
 * owner when the task is unassigned; one who may no longer open the task gets nothing. The
 * notification and the email job commit with the claim, so a crash leaves either nothing done
 * (and the job retries) or all of it.
 */
@Injectable()
@OnJob(TaskReminderJob)
export class TaskReminderHandler implements JobHandler<PayloadOf<typeof TaskReminderJob>, TaskReminderResult> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxService,
    private readonly identity: IdentityFacade,
  ) {}

  @Transactional()
  async handle(payload: PayloadOf<typeof TaskReminderJob>): Promise<TaskReminderResult> {
    const remindAt = new Date(payload.remindAt);
    if (Number.isNaN(remindAt.getTime())) return { sent: false, reason: 'not-due' };
    const [rows]: [ClaimedTask[], number] = await this.txHost.tx.query(
      `UPDATE contacts.activities SET reminder_sent_at = now()
       WHERE id = $1 AND type = 'task' AND status = 'open' AND deleted_at IS NULL
         AND reminder_sent_at IS NULL AND remind_at = $2
       RETURNING id, subject, assignee_id, owner_id, team_id, due_at, reminder_sent_at`,
      [payload.activityId, remindAt],
    );
    const task = rows[0];
    if (!task) return { sent: false, reason: 'not-due' };
    // The assignee is reminded; an unassigned task reminds its owner.
    const recipientId = task.assignee_id ?? task.owner_id;
    if (!recipientId) return { sent: false, reason: 'no-recipient' };
    // Checked again now, not only when the task was assigned: a recipient who has since been
    // disabled, moved to another team or given a narrower role is not told about a task they
    // cannot open (the reminder counts as handled).
    const recipient = await this.identity.actorOf(recipientId);
    if (!recipient || !withinScope(scopeOf(recipient, 'activities', 'read'), recipient, task.owner_id, task.team_id)) {
      return { sent: false, reason: task.assignee_id ? 'assignee-cannot-see-task' : 'owner-cannot-see-task' };
    }
    const due = task.due_at ? ` It is due ${new Date(task.due_at).toISOString()}.` : '';
    const notification = await this.notifications.notify({
      userId: recipientId,
      kind: 'contacts.task_reminder',
      title: `Reminder: ${task.subject ?? 'task'}`,
      body: `Your task "${task.subject ?? 'task'}" asked to be reminded now.${due}`,
      resource: 'activities',
      recordId: task.id,
      // One notification per claim: a reminder moved away and back is a new reminder, not a duplicate.
      dedupeKey: `task-reminder:${task.id}:${new Date(task.reminder_sent_at).toISOString()}`,
    });
    await this.outbox.enqueue(ReminderEmailJob, { notificationId: notification.id }, { key: notification.id });
    return { sent: true, notificationId: notification.id };
  }
}
