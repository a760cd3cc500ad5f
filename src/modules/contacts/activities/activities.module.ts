import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../../../platform/identity/identity.module';
import { QueueModule } from '../../../platform/queue/queue.module';
import { ActivitiesFacade } from './activities.facade';
import { ActivitiesController } from './api/activities.controller';
import { TimelineController } from './api/timeline.controller';
import { ActivitiesService } from './application/activities.service';
import { SubjectAccess } from './application/subject-access';
import { TimelineService } from './application/timeline.service';
import { ACTIVITY_JOBS, ACTIVITY_SCHEDULES } from './jobs/activity-jobs';
import { ReminderEmailHandler } from './jobs/reminder-email.handler';
import { ReminderSweep } from './jobs/reminder-sweep';
import { TaskReminderHandler } from './jobs/task-reminder.handler';
import { TIMELINE_INGEST_HANDLERS, TimelineIngestService } from './jobs/timeline-ingest.handler';
import { ActivityLinkEntity } from './persistence/activity-link.entity';
import { ActivityEntity } from './persistence/activity.entity';
import { ActivityRepository } from './persistence/activity.repository';
import { TimelineEntryEntity } from './persistence/timeline-entry.entity';

/**
 * The contacts timeline: activities (notes, calls, meetings, logged emails, tasks with
 * reminders), and the timeline of contacts and companies fed by other modules' events.
 * ContactsModule imports it and calls ActivitiesFacade (merges); it reads contacts and companies
 * back through ContactsFacade, looked up at run time (see SubjectAccess) so the modules do not
 * import each other.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ActivityEntity, ActivityLinkEntity, TimelineEntryEntity]), IdentityModule, QueueModule.forFeature(ACTIVITY_JOBS, { schedules: ACTIVITY_SCHEDULES })],
  controllers: [ActivitiesController, TimelineController],
  providers: [
    ActivitiesFacade,
    ActivityRepository,
    ActivitiesService,
    SubjectAccess,
    TimelineService,
    TaskReminderHandler,
    ReminderEmailHandler,
    ReminderSweep,
    TimelineIngestService,
    ...TIMELINE_INGEST_HANDLERS,
  ],
  exports: [ActivitiesFacade],
})
export class ActivitiesModule {}
