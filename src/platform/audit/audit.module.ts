import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueryModule } from '../query/query.module';
import { AuditAccessRegistry } from './audit-access.registry';
import { AuditController } from './audit.controller';
import { AuditLogEntity } from './audit-log.entity';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';

/** The audit log: written by every change (AuditService), read through GET /api/v1/audit. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity]), QueryModule],
  controllers: [AuditController],
  providers: [AuditService, AuditAccessRegistry, AuditQueryService],
  exports: [AuditService, AuditAccessRegistry, AuditQueryService],
})
export class AuditModule {}
