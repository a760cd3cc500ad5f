import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueryModule } from '../query/query.module';
import { NotificationEntity } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** Users' notifications: any module calls NotificationsService.notify; users read theirs at /api/v1/notifications. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity]), QueryModule],
  controllers: [NotificationsController],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
