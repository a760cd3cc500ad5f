import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../../../platform/config/config';
import { APP_CONFIG } from '../../../../platform/config/config.module';
import { IdentityFacade } from '../../../../platform/identity/identity.facade';
import { MailService } from '../../../../platform/mail/mail.service';
import { NotificationsService } from '../../../../platform/notifications/notifications.service';
import { JobHandler, OnJob, PayloadOf } from '../../../../platform/queue/job-definition';
import { ReminderEmailJob } from './activity-jobs';

/**
 * Mails a reminder notification to its user. One job per notification (keyed by its id), so
 * the mail goes out once. A crash between the send and the job's success makes the retry send
 * it again, which for a reminder beats losing it; the copy carries the same Message-ID, so mail
 * servers and clients show it once (and the .eml fallback overwrites the first copy).
 */
@Injectable()
@OnJob(ReminderEmailJob)
export class ReminderEmailHandler implements JobHandler<PayloadOf<typeof ReminderEmailJob>, { sent: boolean }> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly identity: IdentityFacade,
    private readonly mail: MailService,
  ) {}

  async handle(payload: PayloadOf<typeof ReminderEmailJob>): Promise<{ sent: boolean }> {
    const notification = await this.notifications.findById(payload.notificationId);
    if (!notification) return { sent: false };
    const user = await this.identity.findUserById(notification.userId);
    if (!user) return { sent: false };
    const link = notification.recordId ? `\n\n${this.config.http.publicUrl.replace(/\/+$/, '')}/api/v1/activities/${notification.recordId}` : '';
    await this.mail.send({
      to: user.email,
      subject: notification.title,
      text: `${notification.body ?? notification.title}${link}`,
      headers: { 'X-CRM-Notification-Id': notification.id },
      messageId: `<notification.${notification.id}@${this.mailDomain()}>`,
    });
    return { sent: true };
  }

  private mailDomain(): string {
    try {
      return new URL(this.config.http.publicUrl).hostname || 'crm.invalid';
    } catch {
      return 'crm.invalid';
    }
  }
}
