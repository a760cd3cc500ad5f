import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Unsubscribe, X-Campaign-Id, …). */
  headers?: Record<string, string>;
  /** Defaults to MAIL_FROM. */
  from?: string;
  replyTo?: string;
  /**
   * A stable Message-ID for a message a retried job may send again (`<reminder.123@crm.example>`):
   * mail servers and clients collapse copies with the same id, and the .eml fallback writes the
   * copy over the first one.
   */
  messageId?: string;
}

export interface SentMail {
  messageId: string;
  /** Where the message was written, when no SMTP server is configured. */
  file?: string;
}

/**
 * Sends mail through SMTP_URL. Without one (a box on a laptop) messages are written as .eml
 * files under <DATA_DIR>/outbox, where any mail client opens them: nothing is lost, nothing
 * leaves the machine. Callers send from jobs, keyed so a retried job does not mail twice.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger('mail');
  private readonly transport: Transporter;
  private readonly outboxDir: string | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.mail.smtpUrl) {
      this.transport = nodemailer.createTransport(config.mail.smtpUrl);
      this.outboxDir = null;
    } else {
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      this.outboxDir = path.resolve(config.dataDir, 'outbox');
    }
  }

  /** Where messages go: `smtp` or the .eml directory. */
  get destination(): string {
    return this.outboxDir ?? 'smtp';
  }

  async send(message: MailMessage): Promise<SentMail> {
    const info = await this.transport.sendMail({
      from: message.from ?? this.config.mail.from,
      to: message.to,
      replyTo: message.replyTo,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: message.headers,
      messageId: message.messageId,
    });
    const messageId = String(info.messageId);
    if (!this.outboxDir) return { messageId };
    const file = await this.writeEml((info as unknown as { message: Buffer }).message, message.messageId);
    this.logger.log(`mail to ${[message.to].flat().join(', ')} written to ${file} (no SMTP_URL)`);
    return { messageId, file };
  }

  // Written under a temporary name and renamed, so a reader never sees half a message.
  private async writeEml(raw: Buffer, messageId: string | undefined): Promise<string> {
    const dir = this.outboxDir as string;
    await mkdir(dir, { recursive: true });
    const name = messageId ? messageId.replace(/[^A-Za-z0-9@._-]/g, '') : `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
    const file = path.join(dir, `${name}.eml`);
    await writeFile(`${file}.tmp`, raw);
    await rename(`${file}.tmp`, file);
    return file;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
