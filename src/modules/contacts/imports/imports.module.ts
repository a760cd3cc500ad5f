import { Module } from '@nestjs/common';
import { CustomFieldsService } from '../application/custom-fields.service';
import { CompanyRepository } from '../persistence/company.repository';
import { ContactRepository } from '../persistence/contact.repository';
import { CustomFieldRepository } from '../persistence/custom-field.repository';
import { ExportController } from './api/export.controller';
import { ImportsController } from './api/imports.controller';
import { MultipartUploads } from './api/multipart-upload';
import { ExportService } from './application/export.service';
import { ImportsService } from './application/imports.service';
import { ImportMatchRepository } from './persistence/import-match.repository';

/**
 * CSV export (and import) of contacts and companies. The repositories are stateless, so this
 * module builds its own instances rather than widening ContactsModule's exports; the
 * entities' TypeORM metadata comes from the data source the whole app shares.
 */
@Module({
  controllers: [ExportController, ImportsController],
  providers: [ContactRepository, CompanyRepository, CustomFieldRepository, CustomFieldsService, ImportMatchRepository, ExportService, ImportsService, MultipartUploads],
})
export class ImportsModule {}
