import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../access/actor';
import { CurrentActor, RequirePermission } from '../../access/decorators';
import { ListQueryParam } from '../../query/decorators';
import { ListQuery, Page, toPage } from '../../query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../../query/swagger';
import { ApiIfMatch, IfMatch, WithETag } from '../../records/etag';
import { RolesService } from '../application/roles.service';
import { ROLE_LIST_SPEC } from '../persistence/identity-lists';
import { CreateRoleDto, RoleResponseDto, toRoleResponse, UpdateRoleDto } from './dto/role.dto';
import { uuidParam, WithLocation } from '../../http/route-helpers';

@ApiTags('roles')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequirePermission('roles', 'read')
  @ApiOperation({ summary: 'List roles' })
  @ApiListQuery(ROLE_LIST_SPEC)
  @ApiPagedOkResponse(RoleResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(ROLE_LIST_SPEC) query: ListQuery): Promise<Page<RoleResponseDto>> {
    return toPage(await this.roles.list(actor, query), toRoleResponse);
  }

  @Post()
  @RequirePermission('roles', 'create')
  @WithLocation()
  @ApiOperation({ summary: 'Create a role', description: 'With rights no stronger than your own. Unknown resources, actions or scopes are a 400 naming them.' })
  @ApiCreatedResponse({ type: RoleResponseDto })
  @ApiProblems(400, 401, 403, 409)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateRoleDto): Promise<RoleResponseDto> {
    return toRoleResponse(await this.roles.create(actor, body));
  }

  @Get(':id')
  @RequirePermission('roles', 'read')
  @WithETag()
  @ApiOperation({ summary: 'Get a role' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RoleResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<RoleResponseDto> {
    return toRoleResponse(await this.roles.get(actor, id));
  }

  @Patch(':id')
  @RequirePermission('roles', 'update')
  @WithETag()
  @ApiOperation({ summary: 'Change a role', description: 'Built-in roles keep their names; the admin role cannot be changed. Takes effect on the next request of every holder.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: RoleResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: UpdateRoleDto, @IfMatch() ifMatch?: number): Promise<RoleResponseDto> {
    return toRoleResponse(await this.roles.update(actor, id, body, ifMatch));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('roles', 'delete')
  @ApiOperation({ summary: 'Delete a role', description: 'Only custom roles nobody holds (409 otherwise).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 401, 403, 404, 409)
  async remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<void> {
    await this.roles.remove(actor, id, ifMatch);
  }
}
