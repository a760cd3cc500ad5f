import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { claimIdempotencyKey, Idempotent } from '../../../../platform/http/idempotency/idempotent.decorator';
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
  @Idempotent({ body: 'digest' })
  @ApiOperation({
    summary: 'Import contacts or companies from a CSV file (or check one: dryRun)',
    description:
      `A multipart upload (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB) read as a stream; every row is checked like the API checks a record and matched ` +
      'to the records you may update. `dryRun=true` answers 200 with the report of what would be created, updated, left unchanged, skipped, and every error by row and column, and writes nothing: ' +
      'the import runs, right away and within this request, in one transaction that is then rolled back, so the report is exactly what a real run would do at that moment ' +
      '(a later run may differ if records change in between; and a row skipped as a duplicate of a record an earlier row creates names an id the rollback discards); ' +
      'while it runs, the records it would update are locked (their other writers wait for it). ' +
      'Otherwise the import runs as a job: 202 with the import (its `jobId` shows progress at `GET /api/v1/jobs/{id}`), written in batches, each one transaction; ' +
      'created records belong to you and your team. Poll `GET /api/v1/imports/{id}` for the report; `POST /api/v1/imports/{id}/revert` undoes it. ' +
      "While the job runs, its `progress.total` is an estimate: the file's lines less the header, counted at upload (a value spanning lines, or blank lines, make it larger than the rows); " +
      'once the run ends it is the rows read, equal to `progress.done`. ' +
      'Refused before anything is written: a file part whose content type is not CSV or text (415; text/csv, text/plain, application/csv, application/vnd.ms-excel, application/octet-stream or none are taken), ' +
      'a file that is not text or not UTF-8 (400 naming `file` and the line), CSV it cannot read (400 INVALID_CSV naming `file` and the line), ' +
      'and a mapping that does not fit the file (400 naming `mapping.<column>`: a column the header lacks or names twice, an unknown custom field, a currency column for a field that is not money or without its amount column). ' +
      'A row with more cells than the header is a row error; shorter rows are padded with blank cells. ' +
      'What a new record needs (a company\'s name; a contact\'s first name, last name or email; required custom fields) is checked on the rows that create one: ' +
      'a row that matches a record (update, upsert) is checked like PATCH, its blank cells leaving the stored values. ' +
      'In a list cell (emails, phones, domains, tags, multiselect options) a backslash before the list separator, a line break or a backslash makes that character part of the value ' +
      '(`a\\;b;c` is `a;b` and `c`, as the export writes it); before any other character it is kept as it is. A phone number, email or domain given twice in one row is taken once (the first stays the primary). ' +
      'A cell of apostrophes followed by `=`, `+`, `-`, `@`, a tab or a carriage return loses exactly one apostrophe (the export\'s guard against spreadsheet formulas).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiExtraModels(ImportReportDto, ImportResponseDto)
  @ApiOkResponse({ type: ImportReportDto, description: 'dryRun=true: what the import would do, from a run rolled back' })
  @ApiAcceptedResponse({ type: ImportResponseDto, description: 'The import, queued; `Location` is its URL', headers: { Location: { description: 'The import', schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 413, 415)
  async create(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImportReportDto | ImportResponseDto> {
    const upload = await this.uploads.save(request);
    let keep = false;
    try {
      await claimIdempotencyKey(request, upload.digest);
      const options = parseImportOptions(upload.fields);
      const file = { id: upload.uploadId, input: this.stored.input(upload.uploadId), name: upload.fileName, bytes: upload.bytes, lines: upload.lines };
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
      'A job that undoes the import and leaves alone what was done since. Records it updated get back only the fields the import changed, and only where they still hold what the import wrote: ' +
      'custom fields key by key; the tags, domains, emails and phones it added are taken off (an added email or phone changed since stays). ' +
      'A field changed since the import keeps its newer value. Records it created are deleted for good (a contact that has consent entries since goes to the recycle bin instead), ' +
      'unless their values were changed since the import: those are kept (a change undone since, say by reverting a later import first, does not count). Every change is audited (request id `import:<id>:revert`). ' +
      "The job's `result` is `{ importId, reverted, conflicts, createdKept }`: receipt rows (records) reverted, records that kept something done since the import, and of those the created records kept; " +
      'counts only, and over every attempt (a revert resumed after a crash, or asked for again after it failed, counts what was done before). `progress` is `{ done: reverted, total }`. ' +
      'Only a completed or failed import can be reverted (409 otherwise, with the import\'s state in `importStatus`: running, reverting, reverted). Once reverted, the same file can be imported again.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiAcceptedResponse({ type: ImportResponseDto, description: 'The import, now `reverting`; `revertJobId` shows progress' })
  @ApiProblems(400, 401, 403, 404, 409)
  async revert(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ImportResponseDto> {
    return toImportResponse(await this.imports.revert(actor, id));
  }
}
