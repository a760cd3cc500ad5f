import { Global, Module } from '@nestjs/common';
import { MailService } from './mail.service';

/** Outgoing mail (SMTP, or .eml files in box mode without SMTP_URL). */
@Global()
@Module({ providers: [MailService], exports: [MailService] })
export class MailModule {}
