import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../access/actor';
import { CurrentActor, RequirePermission } from '../../access/decorators';
import { ListQueryParam } from '../../query/decorators';
import { ListQuery, Page, toPage } from '../../query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../../query/swagger';
import { ApiIfMatch, IfMatch, WithETag } from '../../records/etag';
import { UsersService } from '../application/users.service';
import { USER_LIST_SPEC } from '../persistence/identity-lists';
import { CreatedUserResponseDto, CreateUserDto, toUserResponse, UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { uuidParam, WithLocation } from '../../http/route-helpers';

@ApiTags('users')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequirePermission('users', 'read')
  @ApiOperation({ summary: 'List users', description: 'The users your scope reaches: all, those sharing a team with you (team), or yourself (own).' })
  @ApiListQuery(USER_LIST_SPEC)
  @ApiPagedOkResponse(UserResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(USER_LIST_SPEC) query: ListQuery): Promise<Page<UserResponseDto>> {
    return toPage(await this.users.list(actor, query), toUserResponse);
  }

  @Post()
  @RequirePermission('users', 'create')
  @WithLocation()
  @ApiOperation({ summary: 'Create a user', description: 'With a role no stronger than your own. Without a password, one is generated and returned once.' })
  @ApiCreatedResponse({ type: CreatedUserResponseDto })
  @ApiProblems(400, 401, 403, 409)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<CreatedUserResponseDto> {
    const created = await this.users.create(actor, body);
    return { ...toUserResponse(created.view), ...(created.generatedPassword ? { generatedPassword: created.generatedPassword } : {}) };
  }

  @Get(':id')
  @RequirePermission('users', 'read')
  @WithETag()
  @ApiOperation({ summary: 'Get a user' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.users.get(actor, id));
  }

  @Patch(':id')
  @WithETag()
  @ApiOperation({
    summary: 'Change a user',
    description:
      'Anyone may change their own displayName, and their own password with currentPassword. Everything else (email, role, teams, status, ' +
      'another user\'s password) needs the users update permission over that user and rights at least those of their role.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: UpdateUserDto, @IfMatch() ifMatch?: number): Promise<UserResponseDto> {
    return toUserResponse(await this.users.update(actor, id, body, ifMatch));
  }

  @Delete(':id')
  @RequirePermission('users', 'delete')
  @ApiOperation({ summary: 'Delete a user', description: 'Moves the user to the recycle bin: they cannot sign in and their sessions end. Restore brings them back.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<UserResponseDto> {
    return toUserResponse(await this.users.remove(actor, id, ifMatch));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @RequirePermission('users', 'delete')
  @ApiOperation({ summary: 'Restore a deleted user' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async restore(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<UserResponseDto> {
    return toUserResponse(await this.users.restore(actor, id, ifMatch));
  }
}
