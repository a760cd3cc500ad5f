import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { uuidParam } from '../../../../platform/http/route-helpers';
import { ListQueryParam } from '../../../../platform/query/decorators';
import { ListQuery, Page, toPage } from '../../../../platform/query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../../../../platform/query/swagger';
import { ImportsService } from '../application/imports.service';
import { parseImportOptions } from '../domain/import-options';
import { ImportUploads } from '../persistence/import-uploads';
import { IMPORT_LIST } from '../persistence/imports.repository';
import { ImportReportDto, ImportResponseDto, ImportUploadDto, toImportReport, toImportResponse } from './dto/import.dto';
import { MAX_IMPORT_BYTES, MultipartUploads } from './multipart-upload';

@ApiTags('imports')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/imports')
export class ImportsController {
  constructor(
    private readonly uploads: MultipartUploads,
    private readonly stored: ImportUploads,
    private readonly imports: ImportsService,
  ) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('imports', 'create')
  @ApiOperation({
    summary: 'Import contacts or companies from a CSV file (or check one: dryRun)',
    description:
      `A multipart upload (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB) read as a stream; every row is checked like the API checks a record and matched ` +
      'to the records you may update. `dryRun=true` answers 200 with the report of what would be created, updated, skipped, and every error by row and column, and writes nothing. ' +
      'Otherwise the import runs as a job: 202 with the import (its `jobId` shows progress at `GET /api/v1/jobs/{id}`), written in batches, each one transaction; ' +
      'created records belong to you and your team. Poll `GET /api/v1/imports/{id}` for the report; `POST /api/v1/imports/{id}/revert` undoes it.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiExtraModels(ImportReportDto, ImportResponseDto)
  @ApiOkResponse({ type: ImportReportDto, description: 'dryRun=true: what the import would do' })
  @ApiAcceptedResponse({ type: ImportResponseDto, description: 'The import, queued; `Location` is its URL', headers: { Location: { description: 'The import', schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 413, 415)
  async create(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImportReportDto | ImportResponseDto> {
    const upload = await this.uploads.save(request);
    let keep = false;
    try {
      const options = parseImportOptions(upload.fields);
      const file = { id: upload.uploadId, input: this.stored.input(upload.uploadId), name: upload.fileName, bytes: upload.bytes };
      if (options.dryRun) return toImportReport(await this.imports.dryRun(actor, file.input, options));
      const created = await this.imports.submit(actor, file, options);
      keep = true;
      void reply.status(202).header('Location', `/api/v1/imports/${created.id}`);
      return toImportResponse(created);
    } finally {
      if (!keep) await this.uploads.discard(upload);
    }
  }

  @Get()
  @RequirePermission('imports', 'read')
  @ApiOperation({ summary: 'List imports', description: 'Newest first. You see the imports your `imports` read scope allows: your own, your teams\', or all.' })
  @ApiListQuery(IMPORT_LIST)
  @ApiPagedOkResponse(ImportResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(IMPORT_LIST) query: ListQuery): Promise<Page<ImportResponseDto>> {
    return toPage(await this.imports.list(actor, query), toImportResponse);
  }

  @Get(':id')
  @RequirePermission('imports', 'read')
  @ApiOperation({ summary: 'Get an import', description: 'Its status, counts so far, and every error by row and column.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ImportResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ImportResponseDto> {
    return toImportResponse(await this.imports.get(actor, id));
  }

  @Post(':id/revert')
  @HttpCode(202)
  @RequirePermission('imports', 'update')
  @ApiOperation({
    summary: 'Revert an import',
    description:
      'A job: records the import created are deleted for good (a contact that has consent entries since goes to the recycle bin instead), records it updated get back the values they had before it; every change is audited. ' +
      'Only a completed or failed import can be reverted (409 otherwise: running, reverting, reverted). Once reverted, the same file can be imported again.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiAcceptedResponse({ type: ImportResponseDto, description: 'The import, now `reverting`; `revertJobId` shows progress' })
  @ApiProblems(400, 401, 403, 404, 409)
  async revert(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ImportResponseDto> {
    return toImportResponse(await this.imports.revert(actor, id));
  }
}
