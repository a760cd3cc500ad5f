import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Actor } from '../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../platform/access/decorators';
import { Idempotent } from '../../../platform/http/idempotency/idempotent.decorator';
import { uuidParam, WithLocation } from '../../../platform/http/route-helpers';
import { Page, toPage } from '../../../platform/query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems, ApiSearchBody, ProblemDto } from '../../../platform/query/swagger';
import { ApiBatchOkResponse, BatchItemResult } from '../../../platform/records/batch';
import { ApiIfMatch, IfMatch, WithETag } from '../../../platform/records/etag';
import { CompaniesService, CompanyView } from '../application/companies.service';
import { ContactsBatchService } from '../application/contacts-batch.service';
import { COMPANY_LIST, CUSTOM_FIELD_FILTERS } from '../persistence/list-specs';
import { CountDto } from './dto/contact.dto';
import {
  CompanyBatchDto,
  CompanyDuplicateCandidateDto,
  CompanyDuplicateListDto,
  CompanyResponseDto,
  CreateCompanyDto,
  toCompanyResponse,
  UpdateCompanyDto,
} from './dto/company.dto';
import { QueryFlag, RawListQuery, RawSearchBody } from './http';

const toResponse = (v: CompanyView): CompanyResponseDto => toCompanyResponse(v.company, v.customFields);

const POSSIBLE_DUPLICATE_EXAMPLE = {
  type: 'urn:crm:problem:company-possible-duplicate',
  title: 'Conflict',
  status: 409,
  detail: 'This company looks like one that exists already; pass ?skipDuplicateCheck=true to create it anyway.',
  instance: '/api/v1/companies',
  requestId: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11',
  code: 'COMPANY_POSSIBLE_DUPLICATE',
  errors: [],
  candidates: [{ id: '01933b8e-5f3a-7c1e-9a2b-4d5e6f708192', score: 1, reason: 'domain' }],
};

const CUSTOM_FILTERS =
  ' Custom fields filter and sort as `customFields.<key>` (money: `customFields.<key>` is the amount, `customFields.<key>.currency` the currency), with the operators of their type.';

@ApiTags('companies')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/companies')
export class CompaniesController {
  constructor(
    private readonly companies: CompaniesService,
    private readonly batches: ContactsBatchService,
  ) {}

  @Get()
  @RequirePermission('companies', 'read')
  @ApiOperation({ summary: 'List companies', description: `Keyset-paginated, filtered and sorted; \`q\` searches names and domains.${CUSTOM_FILTERS}` })
  @ApiListQuery(COMPANY_LIST, CUSTOM_FIELD_FILTERS)
  @ApiPagedOkResponse(CompanyResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @RawListQuery() query: unknown): Promise<Page<CompanyResponseDto>> {
    return toPage(await this.companies.list(actor, query), toResponse);
  }

  @Post('search')
  @HttpCode(200)
  @RequirePermission('companies', 'read')
  @ApiOperation({ summary: 'Search companies with nested conditions', description: `The JSON form of the list's filters.${CUSTOM_FILTERS}` })
  @ApiSearchBody(COMPANY_LIST, CUSTOM_FIELD_FILTERS)
  @ApiPagedOkResponse(CompanyResponseDto)
  @ApiProblems(400, 401, 403)
  async search(@CurrentActor() actor: Actor, @RawSearchBody() body: unknown): Promise<Page<CompanyResponseDto>> {
    return toPage(await this.companies.search(actor, body), toResponse);
  }

  @Get('count')
  @RequirePermission('companies', 'read')
  @ApiOperation({ summary: 'Count companies', description: 'How many companies you can see match the same filters and `q` as the list.' })
  @ApiListQuery(COMPANY_LIST, CUSTOM_FIELD_FILTERS)
  @ApiOkResponse({ type: CountDto })
  @ApiProblems(400, 401, 403)
  async count(@CurrentActor() actor: Actor, @RawListQuery() query: unknown): Promise<CountDto> {
    return { count: await this.companies.count(actor, query) };
  }

  @Post('batch')
  @HttpCode(200)
  @RequirePermission('companies', 'create')
  @Idempotent()
  @ApiOperation({
    summary: 'Create or update up to 100 companies',
    description:
      'Either `create` or `update` (items with their id), in one transaction, with a result per item. A created item that looks like an existing company is a 409 item (code COMPANY_POSSIBLE_DUPLICATE; `GET /companies/{id}/duplicates` lists candidates), unless `skipDuplicateCheck=true`.',
  })
  @ApiQuery({ name: 'skipDuplicateCheck', required: false, schema: { type: 'boolean', default: false } })
  @ApiBatchOkResponse(CompanyResponseDto)
  @ApiProblems(400, 401, 403)
  async batch(
    @CurrentActor() actor: Actor,
    @Body() body: CompanyBatchDto,
    @QueryFlag('skipDuplicateCheck') skipDuplicateCheck: boolean,
  ): Promise<{ results: BatchItemResult<CompanyResponseDto>[] }> {
    const results = await this.batches.companiesBatch(actor, body, { skipDuplicateCheck });
    return { results: results.map((r) => ({ ...r, data: r.data && toResponse(r.data) })) };
  }

  @Post()
  @RequirePermission('companies', 'create')
  // Above @Idempotent(): its generic 409 (a retry while the first request runs) is applied first,
  // and this one's schema then replaces it instead of being replaced by it.
  @ApiExtraModels(CompanyDuplicateCandidateDto)
  @ApiConflictResponse({
    description: 'A possible duplicate (code COMPANY_POSSIBLE_DUPLICATE), with `candidates`',
    content: {
      'application/problem+json': {
        schema: { allOf: [{ $ref: getSchemaPath(ProblemDto) }, { type: 'object', properties: { candidates: { type: 'array', items: { $ref: getSchemaPath(CompanyDuplicateCandidateDto) } } } }] },
        example: POSSIBLE_DUPLICATE_EXAMPLE,
      },
    },
  })
  @Idempotent()
  @WithLocation()
  @WithETag()
  @ApiOperation({
    summary: 'Create a company',
    description:
      'Answers 409 with `candidates` (id, score, reason) when a company you can see shares a domain with it or has a very similar name, unless `skipDuplicateCheck=true`.',
  })
  @ApiQuery({ name: 'skipDuplicateCheck', required: false, schema: { type: 'boolean', default: false } })
  @ApiCreatedResponse({ type: CompanyResponseDto })
  @ApiProblems(400, 401, 403)
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateCompanyDto,
    @QueryFlag('skipDuplicateCheck') skipDuplicateCheck: boolean,
  ): Promise<CompanyResponseDto> {
    return toResponse(await this.companies.create(actor, body, { skipDuplicateCheck }));
  }

  @Get(':id')
  @RequirePermission('companies', 'read')
  @WithETag()
  @ApiOperation({ summary: 'Get a company' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CompanyResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<CompanyResponseDto> {
    return toResponse(await this.companies.get(actor, id));
  }

  @Get(':id/duplicates')
  @RequirePermission('companies', 'read')
  @ApiOperation({ summary: 'Companies that look like this one', description: 'Companies you can see with a domain in common (score 1) or a very similar name (the similarity), best first.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CompanyDuplicateListDto })
  @ApiProblems(400, 401, 403, 404)
  async duplicates(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<CompanyDuplicateListDto> {
    return { data: await this.companies.duplicates(actor, id) };
  }

  @Patch(':id')
  @RequirePermission('companies', 'update')
  @WithETag()
  @ApiOperation({ summary: 'Update a company', description: 'Partial: absent fields stay, null clears. Lists and the address are replaced; customFields are merged by key.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: CompanyResponseDto })
  @ApiProblems(400, 401, 403, 404, { status: 409, description: 'externalId taken by another live company (UNIQUE_VIOLATION)' })
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: UpdateCompanyDto, @IfMatch() ifMatch?: number): Promise<CompanyResponseDto> {
    return toResponse(await this.companies.update(actor, id, body, { ifMatch }));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('companies', 'delete')
  @ApiOperation({ summary: 'Move a company to the recycle bin', description: 'Its contacts keep their links; subsidiaries keep their parent.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'In the recycle bin' })
  @ApiProblems(400, 401, 403, 404)
  async remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<void> {
    await this.companies.remove(actor, id, { ifMatch });
  }

  @Post(':id/restore')
  @HttpCode(200)
  @RequirePermission('companies', 'delete')
  @WithETag()
  @ApiOperation({ summary: 'Bring a company back from the recycle bin' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: CompanyResponseDto })
  @ApiProblems(400, 401, 403, 404, {
    status: 409,
    description: 'externalId taken by another live company (UNIQUE_VIOLATION), or the company was merged into another by a merge that still stands (ALREADY_MERGED, with `mergeId`: undo that merge instead)',
    extensions: { mergeId: { type: 'string', format: 'uuid', description: 'The merge that still stands (ALREADY_MERGED, MERGE_PRIMARY_MERGED)' } },
  })
  async restore(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<CompanyResponseDto> {
    return toResponse(await this.companies.restore(actor, id, { ifMatch }));
  }
}
