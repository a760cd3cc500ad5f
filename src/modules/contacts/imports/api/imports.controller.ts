import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { badRequest } from '../../../../platform/errors/domain-error';
import { ApiProblems } from '../../../../platform/query/swagger';
import { ImportsService } from '../application/imports.service';
import { parseImportOptions } from '../domain/import-options';
import { ImportReportDto, ImportUploadDto, toImportReport } from './dto/import.dto';
import { MAX_IMPORT_BYTES, MultipartUploads } from './multipart-upload';

@ApiTags('imports')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/imports')
export class ImportsController {
  constructor(
    private readonly uploads: MultipartUploads,
    private readonly imports: ImportsService,
  ) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('imports', 'create')
  @ApiOperation({
    summary: 'Check a CSV import of contacts or companies (dry run)',
    description:
      `A multipart upload (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB) read as a stream: every row is checked like the API checks a record and matched ` +
      'to the records you may update, and the report says what would be created, updated, skipped, and every error by row and column. Nothing is written.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiProblems(400, 401, 403, 413, 415)
  async create(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<ImportReportDto> {
    const upload = await this.uploads.save(request);
    try {
      const options = parseImportOptions(upload.fields);
      if (!options.dryRun) throw badRequest('Only dry runs are available: send dryRun=true.', [{ field: 'dryRun', message: 'must be true (imports that write are not available yet)' }], 'VALIDATION_FAILED');
      return toImportReport(await this.imports.dryRun(actor, upload.file, options));
    } finally {
      await this.uploads.discard(upload.file);
    }
  }
}
