import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../access/actor';
import { CurrentActor, RequirePermission } from '../../access/decorators';
import { ListQueryParam } from '../../query/decorators';
import { ListQuery, Page, toPage } from '../../query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../../query/swagger';
import { ApiKeysService } from '../application/api-keys.service';
import { API_KEY_LIST_SPEC } from '../persistence/identity-lists';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto, toApiKeyResponse } from './dto/api-key.dto';
import { uuidParam, WithLocation } from '../../http/route-helpers';

@ApiTags('api-keys')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequirePermission('api-keys', 'read')
  @ApiOperation({ summary: 'List API keys', description: 'Never shows the keys themselves, only their prefixes.' })
  @ApiListQuery(API_KEY_LIST_SPEC)
  @ApiPagedOkResponse(ApiKeyResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(API_KEY_LIST_SPEC) query: ListQuery): Promise<Page<ApiKeyResponseDto>> {
    return toPage(await this.keys.list(actor, query), toApiKeyResponse);
  }

  @Post()
  @RequirePermission('api-keys', 'create')
  @WithLocation()
  @ApiOperation({ summary: 'Create an API key', description: 'The response carries the key, this once: only its hash is kept. The key acts with the given role.' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  @ApiProblems(400, 401, 403)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    const created = await this.keys.create(actor, body);
    return { ...toApiKeyResponse(created.view), key: created.key };
  }

  @Get(':id')
  @RequirePermission('api-keys', 'read')
  @ApiOperation({ summary: 'Get an API key' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.keys.get(actor, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('api-keys', 'delete')
  @ApiOperation({ summary: 'Revoke an API key', description: 'The key stops working at once. Revoking twice is fine.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 401, 403, 404)
  async revoke(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.keys.revoke(actor, id);
  }
}
