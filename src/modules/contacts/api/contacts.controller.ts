import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor } from '../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../platform/access/decorators';
import { Idempotent } from '../../../platform/http/idempotency/idempotent.decorator';
import { uuidParam, WithLocation } from '../../../platform/http/route-helpers';
import { Page, toPage } from '../../../platform/query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems, ApiSearchBody, ProblemDto } from '../../../platform/query/swagger';
import { ApiBatchOkResponse, BatchItemResult } from '../../../platform/records/batch';
import { ApiIfMatch, IfMatch, WithETag } from '../../../platform/records/etag';
import { ContactsBatchService } from '../application/contacts-batch.service';
import { ContactsService, ContactView } from '../application/contacts.service';
import { CONTACT_LIST, CUSTOM_FIELD_FILTERS } from '../persistence/list-specs';
import {
  ContactBatchDto,
  ContactResponseDto,
  CountDto,
  CreateContactDto,
  DuplicateCandidateDto,
  DuplicateListDto,
  toContactResponse,
  UpdateContactDto,
} from './dto/contact.dto';
import { QueryFlag, RawListQuery, RawSearchBody } from './http';

const toResponse = (v: ContactView): ContactResponseDto => toContactResponse(v.contact, v.customFields);

const CUSTOM_FILTERS =
  ' Custom fields filter and sort as `customFields.<key>` (money: `customFields.<key>` is the amount, `customFields.<key>.currency` the currency), with the operators of their type.';

@ApiTags('contacts')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly batches: ContactsBatchService,
  ) {}

  @Get()
  @RequirePermission('contacts', 'read')
  @ApiOperation({ summary: 'List contacts', description: `Keyset-paginated, filtered and sorted; \`q\` searches names, emails, phones and company names.${CUSTOM_FILTERS}` })
  @ApiListQuery(CONTACT_LIST, CUSTOM_FIELD_FILTERS)
  @ApiPagedOkResponse(ContactResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @RawListQuery() query: unknown): Promise<Page<ContactResponseDto>> {
    return toPage(await this.contacts.list(actor, query), toResponse);
  }

  @Post('search')
  @HttpCode(200)
  @RequirePermission('contacts', 'read')
  @ApiOperation({ summary: 'Search contacts with nested conditions', description: `The JSON form of the list's filters.${CUSTOM_FILTERS}` })
  @ApiSearchBody(CONTACT_LIST, CUSTOM_FIELD_FILTERS)
  @ApiPagedOkResponse(ContactResponseDto)
  @ApiProblems(400, 401, 403)
  async search(@CurrentActor() actor: Actor, @RawSearchBody() body: unknown): Promise<Page<ContactResponseDto>> {
    return toPage(await this.contacts.search(actor, body), toResponse);
  }

  @Get('count')
  @RequirePermission('contacts', 'read')
  @ApiOperation({ summary: 'Count contacts', description: 'How many contacts you can see match the same filters and `q` as the list (limit, cursor and sort do not apply).' })
  @ApiListQuery(CONTACT_LIST, CUSTOM_FIELD_FILTERS)
  @ApiOkResponse({ type: CountDto })
  @ApiProblems(400, 401, 403)
  async count(@CurrentActor() actor: Actor, @RawListQuery() query: unknown): Promise<CountDto> {
    return { count: await this.contacts.count(actor, query) };
  }

  @Post('batch')
  @HttpCode(200)
  @RequirePermission('contacts', 'create')
  @Idempotent()
  @ApiOperation({
    summary: 'Create or update up to 100 contacts',
    description: 'Either `create` or `update` (items with their id). One transaction; a failed item is reported with the status it would have had alone, the others are applied. Updates need the update permission on each contact.',
  })
  @ApiQuery({ name: 'skipDuplicateCheck', required: false, schema: { type: 'boolean', default: false } })
  @ApiBatchOkResponse(ContactResponseDto)
  @ApiProblems(400, 401, 403)
  async batch(
    @CurrentActor() actor: Actor,
    @Body() body: ContactBatchDto,
    @QueryFlag('skipDuplicateCheck') skipDuplicateCheck: boolean,
  ): Promise<{ results: BatchItemResult<ContactResponseDto>[] }> {
    const results = await this.batches.contactsBatch(actor, body, { skipDuplicateCheck });
    return { results: results.map((r) => ({ ...r, data: r.data && toResponse(r.data) })) };
  }

  @Post()
  @RequirePermission('contacts', 'create')
  // Above @Idempotent(): its generic 409 (a retry while the first request runs) is applied first,
  // and this one's schema then replaces it instead of being replaced by it.
  @ApiExtraModels(DuplicateCandidateDto)
  @ApiConflictResponse({
    description: 'A possible duplicate (code CONTACT_POSSIBLE_DUPLICATE), with `candidates`',
    content: {
      'application/problem+json': {
        schema: { allOf: [{ $ref: getSchemaPath(ProblemDto) }, { type: 'object', properties: { candidates: { type: 'array', items: { $ref: getSchemaPath(DuplicateCandidateDto) } } } }] },
      },
    },
  })
  @Idempotent()
  @WithLocation()
  @WithETag()
  @ApiOperation({
    summary: 'Create a contact',
    description: 'Answers 409 with `candidates` (id, score, reason) when the contact looks like an existing one, unless `skipDuplicateCheck=true`.',
  })
  @ApiQuery({ name: 'skipDuplicateCheck', required: false, schema: { type: 'boolean', default: false } })
  @ApiCreatedResponse({ type: ContactResponseDto })
  @ApiProblems(400, 401, 403)
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateContactDto,
    @QueryFlag('skipDuplicateCheck') skipDuplicateCheck: boolean,
  ): Promise<ContactResponseDto> {
    return toResponse(await this.contacts.create(actor, body, { skipDuplicateCheck }));
  }

  @Get(':id')
  @RequirePermission('contacts', 'read')
  @WithETag()
  @ApiOperation({ summary: 'Get a contact' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ContactResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ContactResponseDto> {
    return toResponse(await this.contacts.get(actor, id));
  }

  @Get(':id/duplicates')
  @RequirePermission('contacts', 'read')
  @ApiOperation({ summary: 'Contacts that look like this one', description: 'Same email (score 1), same phone (0.9), or a similar name at a shared company (the similarity), best first.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DuplicateListDto })
  @ApiProblems(400, 401, 403, 404)
  async duplicates(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<DuplicateListDto> {
    return { data: await this.contacts.duplicates(actor, id) };
  }

  @Patch(':id')
  @RequirePermission('contacts', 'update')
  @WithETag()
  @ApiOperation({ summary: 'Update a contact', description: 'Partial: absent fields stay, null clears. Lists (emails, phones, tags, companies) and the address are replaced; customFields are merged by key.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ContactResponseDto })
  @ApiProblems(400, 401, 403, 404, { status: 409, description: 'externalId taken by another live contact (UNIQUE_VIOLATION)' })
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: UpdateContactDto, @IfMatch() ifMatch?: number): Promise<ContactResponseDto> {
    return toResponse(await this.contacts.update(actor, id, body, { ifMatch }));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('contacts', 'delete')
  @ApiOperation({ summary: 'Move a contact to the recycle bin' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'In the recycle bin' })
  @ApiProblems(400, 401, 403, 404)
  async remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<void> {
    await this.contacts.remove(actor, id, { ifMatch });
  }

  @Post(':id/restore')
  @HttpCode(200)
  @RequirePermission('contacts', 'delete')
  @WithETag()
  @ApiOperation({ summary: 'Bring a contact back from the recycle bin' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ContactResponseDto })
  @ApiProblems(400, 401, 403, 404, {
    status: 409,
    description: 'externalId taken by another live contact (UNIQUE_VIOLATION), or the contact was merged into another by a merge that still stands (ALREADY_MERGED, with `mergeId`: undo that merge instead)',
    extensions: { mergeId: { type: 'string', format: 'uuid', description: 'The merge that still stands (ALREADY_MERGED, MERGE_PRIMARY_MERGED)' } },
  })
  async restore(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<ContactResponseDto> {
    return toResponse(await this.contacts.restore(actor, id, { ifMatch }));
  }
}
