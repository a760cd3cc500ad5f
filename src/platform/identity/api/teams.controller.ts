import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../access/actor';
import { CurrentActor, RequirePermission } from '../../access/decorators';
import { ListQueryParam } from '../../query/decorators';
import { ListQuery, Page, toPage } from '../../query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../../query/swagger';
import { ApiIfMatch, IfMatch, WithETag } from '../../records/etag';
import { TeamsService } from '../application/teams.service';
import { TEAM_LIST_SPEC } from '../persistence/identity-lists';
import { CreateTeamDto, TeamResponseDto, toTeamResponse, UpdateTeamDto } from './dto/team.dto';
import { uuidParam, WithLocation } from '../../http/route-helpers';

@ApiTags('teams')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @RequirePermission('teams', 'read')
  @ApiOperation({ summary: 'List teams', description: 'Every team with the `all` scope; otherwise your own teams.' })
  @ApiListQuery(TEAM_LIST_SPEC)
  @ApiPagedOkResponse(TeamResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(TEAM_LIST_SPEC) query: ListQuery): Promise<Page<TeamResponseDto>> {
    return toPage(await this.teams.list(actor, query), toTeamResponse);
  }

  @Post()
  @RequirePermission('teams', 'create')
  @WithLocation()
  @ApiOperation({ summary: 'Create a team' })
  @ApiCreatedResponse({ type: TeamResponseDto })
  @ApiProblems(400, 401, 403, 409)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateTeamDto): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.create(actor, body));
  }

  @Get(':id')
  @RequirePermission('teams', 'read')
  @WithETag()
  @ApiOperation({ summary: 'Get a team' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.get(actor, id));
  }

  @Patch(':id')
  @RequirePermission('teams', 'update')
  @WithETag()
  @ApiOperation({ summary: 'Rename or describe a team' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: UpdateTeamDto, @IfMatch() ifMatch?: number): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.update(actor, id, body, ifMatch));
  }

  @Delete(':id')
  @RequirePermission('teams', 'delete')
  @ApiOperation({ summary: 'Delete a team', description: 'Moves it to the recycle bin; its members no longer count as its members until it is restored.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.remove(actor, id, ifMatch));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @RequirePermission('teams', 'delete')
  @ApiOperation({ summary: 'Restore a deleted team' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async restore(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.restore(actor, id, ifMatch));
  }

  @Put(':id/members/:userId')
  @RequirePermission('teams', 'update')
  @ApiOperation({ summary: 'Add a member', description: 'Idempotent: adding a member twice changes nothing.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async addMember(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.addMember(actor, id, userId));
  }

  @Delete(':id/members/:userId')
  @RequirePermission('teams', 'update')
  @ApiOperation({ summary: 'Remove a member' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async removeMember(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.removeMember(actor, id, userId));
  }
}
