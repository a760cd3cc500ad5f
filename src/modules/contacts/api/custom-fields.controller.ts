import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../platform/access/decorators';
import { Idempotent } from '../../../platform/http/idempotency/idempotent.decorator';
import { uuidParam, WithLocation } from '../../../platform/http/route-helpers';
import { ListQueryParam } from '../../../platform/query/decorators';
import { ListQuery, Page, toPage } from '../../../platform/query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../../../platform/query/swagger';
import { ApiIfMatch, IfMatch, WithETag } from '../../../platform/records/etag';
import { CustomFieldsService } from '../application/custom-fields.service';
import { CUSTOM_FIELD_LIST } from '../persistence/list-specs';
import { CreateCustomFieldDto, CustomFieldResponseDto, toCustomFieldResponse, UpdateCustomFieldDto } from './dto/custom-field.dto';

/**
 * `custom-fields` is a platform resource in the API's table; its definitions describe contacts
 * and companies for now, so they live with them (see ContactsModule).
 */
@ApiTags('custom-fields')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/custom-fields')
export class CustomFieldsController {
  constructor(private readonly fields: CustomFieldsService) {}

  @Get()
  @RequirePermission('custom-fields', 'read')
  @ApiOperation({ summary: 'List custom field definitions', description: '`filter[deleted][eq]=true` lists removed definitions (their values are kept and come back on restore).' })
  @ApiListQuery(CUSTOM_FIELD_LIST)
  @ApiPagedOkResponse(CustomFieldResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(CUSTOM_FIELD_LIST) query: ListQuery): Promise<Page<CustomFieldResponseDto>> {
    return toPage(await this.fields.list(actor, query), toCustomFieldResponse);
  }

  @Post()
  @RequirePermission('custom-fields', 'create')
  @Idempotent()
  @WithLocation()
  @WithETag()
  @ApiOperation({ summary: 'Define a custom field', description: 'Key and type are fixed once created; a key stays taken while its definition is in the recycle bin.' })
  @ApiCreatedResponse({ type: CustomFieldResponseDto })
  @ApiProblems(400, 401, 403, 409)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateCustomFieldDto): Promise<CustomFieldResponseDto> {
    return toCustomFieldResponse(await this.fields.create(actor, body));
  }

  @Get(':id')
  @RequirePermission('custom-fields', 'read')
  @WithETag()
  @ApiOperation({ summary: 'Get a custom field definition (removed ones included)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CustomFieldResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<CustomFieldResponseDto> {
    return toCustomFieldResponse(await this.fields.get(actor, id));
  }

  @Patch(':id')
  @RequirePermission('custom-fields', 'update')
  @WithETag()
  @ApiOperation({ summary: 'Change a custom field definition', description: 'Label, required, options and description; stored values are not rewritten.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: CustomFieldResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: UpdateCustomFieldDto, @IfMatch() ifMatch?: number): Promise<CustomFieldResponseDto> {
    return toCustomFieldResponse(await this.fields.update(actor, id, body, { ifMatch }));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('custom-fields', 'delete')
  @ApiOperation({ summary: 'Remove a custom field', description: 'To the recycle bin: records keep their values (hidden), and restoring the definition shows them again.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 401, 403, 404)
  async remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<void> {
    await this.fields.remove(actor, id, { ifMatch });
  }

  @Post(':id/restore')
  @HttpCode(200)
  @RequirePermission('custom-fields', 'delete')
  @WithETag()
  @ApiOperation({ summary: 'Restore a removed custom field, with its values' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: CustomFieldResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async restore(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<CustomFieldResponseDto> {
    return toCustomFieldResponse(await this.fields.restore(actor, id, { ifMatch }));
  }
}
