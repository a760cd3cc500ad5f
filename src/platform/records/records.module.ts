import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { IdentityModule } from '../identity/identity.module';
import { QueryModule } from '../query/query.module';
import { BatchRunner } from './batch';
import { ETagInterceptor } from './etag';
import { RecordDeps } from './record-deps';

/** ScopedRepository's dependencies and the batch runner, for every CRM module. */
@Global()
@Module({
  imports: [QueryModule, AuditModule, IdentityModule],
  providers: [RecordDeps, BatchRunner, ETagInterceptor],
  exports: [RecordDeps, BatchRunner, ETagInterceptor],
})
export class RecordsModule {}
