import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorLoader } from '../../../platform/identity/persistence/actor-loader';
import { QueueModule } from '../../../platform/queue/queue.module';
import { CustomFieldsService } from '../application/custom-fields.service';
import { CompanyRepository } from '../persistence/company.repository';
import { ContactRepository } from '../persistence/contact.repository';
import { CustomFieldRepository } from '../persistence/custom-field.repository';
import { ExportController } from './api/export.controller';
import { ImportsController } from './api/imports.controller';
import { MultipartUploads } from './api/multipart-upload';
import { ExportService } from './application/export.service';
import { ImportRunner, ImportRunSettings } from './application/import-runner';
import { ImportPersonalData } from './application/import-personal-data';
import { ImportsService } from './application/imports.service';
import { ExportCommand } from './cli/export.command';
import { ImportCommand } from './cli/import.command';
import { IMPORT_JOBS } from './jobs/import-jobs';
import { ImportRevertHandler, ImportRevertSettings } from './jobs/import-revert.handler';
import { ImportRunHandler } from './jobs/import-run.handler';
import { ImportBatchWriter } from './persistence/import-batch.writer';
import { ImportCompanyMatchRepository, ImportMatchRepository } from './persistence/import-match.repository';
import { ImportRevertWriter } from './persistence/import-revert.writer';
import { ImportUploads } from './persistence/import-uploads';
import { ImportEntity } from './persistence/import.entity';
import { ImportsRepository } from './persistence/imports.repository';

/**
 * CSV export and import of contacts and companies. The repositories are stateless, so this
 * module builds its own instances rather than widening ContactsModule's exports; the
 * entities' TypeORM metadata comes from the data source the whole app shares. ActorLoader
 * (stateless too) re-reads, when a run starts, the role and teams of the user who asked for it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ImportEntity]), QueueModule.forFeature(IMPORT_JOBS)],
  controllers: [ExportController, ImportsController],
  providers: [
    ContactRepository,
    CompanyRepository,
    CustomFieldRepository,
    CustomFieldsService,
    ImportMatchRepository,
    ImportCompanyMatchRepository,
    ImportsRepository,
    ImportUploads,
    ImportBatchWriter,
    ImportRevertWriter,
    ImportRunSettings,
    ImportRunner,
    ExportService,
    ImportsService,
    ImportRunHandler,
    ImportRevertSettings,
    ImportRevertHandler,
    MultipartUploads,
    ActorLoader,
    ExportCommand,
    ImportCommand,
    ImportPersonalData,
  ],
})
export class ImportsModule {}
