import { DynamicModule, Module } from '@nestjs/common';
import { ContactsModule } from './modules/contacts/contacts.module';
import { AuditModule } from './platform/audit/audit.module';
import { AppConfig } from './platform/config/config';
import { ConfigModule } from './platform/config/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { HttpPlatformModule } from './platform/http/http.module';
import { IdentityModule } from './platform/identity/identity.module';
import { MailModule } from './platform/mail/mail.module';
import { NotificationsModule } from './platform/notifications/notifications.module';
import { OpsModule } from './platform/ops/ops.module';
import { QueueModule } from './platform/queue/queue.module';
import { RecordsModule } from './platform/records/records.module';
import { RedisModule } from './platform/redis/redis.module';

/** The CRM modules. The CLI reads their providers (without booting) to find their `@CliCommand`s. */
export const CRM_MODULES = [ContactsModule];

/**
 * The whole box. Platform modules first (every CRM module stands on them), then the CRM
 * modules. `config.mode` decides whether queue processors and schedules run in this process.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        HttpPlatformModule,
        IdentityModule,
        AuditModule,
        RecordsModule,
        QueueModule.forRoot(config),
        MailModule,
        NotificationsModule,
        OpsModule,
        ...CRM_MODULES,
      ],
    };
  }
}
