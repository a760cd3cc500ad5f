import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { Idempotent } from '../../../../platform/http/idempotency/idempotent.decorator';
import { uuidParam, WithLocation } from '../../../../platform/http/route-helpers';
import { ListQueryParam, SearchQueryParam } from '../../../../platform/query/decorators';
import { ListQuery, Page, toPage } from '../../../../platform/query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems, ApiSearchBody } from '../../../../platform/query/swagger';
import { ApiIfMatch, IfMatch, WithETag } from '../../../../platform/records/etag';
import { ActivitiesService } from '../application/activities.service';
import { ACTIVITY_LIST } from '../persistence/activity-list';
import { ActivityResponseDto, CreateActivityDto, toActivityResponse, UpdateActivityDto } from './dto/activity.dto';

@ApiTags('activities')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/activities')
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @Get()
  @RequirePermission('activities', 'read')
  @ApiOperation({ summary: 'List activities', description: 'Notes, calls, meetings, logged emails and tasks your scope reaches. filter[contactId][eq] / filter[companyId][eq] for one subject.' })
  @ApiListQuery(ACTIVITY_LIST)
  @ApiPagedOkResponse(ActivityResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(ACTIVITY_LIST) query: ListQuery): Promise<Page<ActivityResponseDto>> {
    return toPage(await this.activities.list(actor, query), toActivityResponse);
  }

  @Post('search')
  @HttpCode(200)
  @RequirePermission('activities', 'read')
  @ApiOperation({ summary: 'Search activities', description: 'The list with nested and/or filters. contactId/companyId conditions may only be ANDed.' })
  @ApiSearchBody(ACTIVITY_LIST)
  @ApiPagedOkResponse(ActivityResponseDto)
  @ApiProblems(400, 401, 403)
  async search(@CurrentActor() actor: Actor, @SearchQueryParam(ACTIVITY_LIST) query: ListQuery): Promise<Page<ActivityResponseDto>> {
    return toPage(await this.activities.list(actor, query), toActivityResponse);
  }

  @Post()
  @RequirePermission('activities', 'create')
  @Idempotent()
  @WithLocation()
  @WithETag()
  @ApiOperation({
    summary: 'Create an activity',
    description: 'A note (body), call (direction, durationSeconds, outcome), meeting (startAt, endAt, attendees), logged email (from, to, subject, body) or task (subject, assigneeId, dueAt, status, priority, remindAt), related to at least one contact or company.',
  })
  @ApiCreatedResponse({ type: ActivityResponseDto })
  @ApiProblems(400, 401, 403, 409)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateActivityDto): Promise<ActivityResponseDto> {
    return toActivityResponse(await this.activities.create(actor, body));
  }

  @Get(':id')
  @RequirePermission('activities', 'read')
  @WithETag()
  @ApiOperation({ summary: 'Get an activity' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ActivityResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ActivityResponseDto> {
    return toActivityResponse(await this.activities.get(actor, id));
  }

  @Patch(':id')
  @RequirePermission('activities', 'update')
  @WithETag()
  @ApiOperation({ summary: 'Change an activity', description: 'Partial. contactIds/companyIds, when given, replace the current ones. Moving remindAt reschedules the reminder; done, cancelled or null cancels it.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ActivityResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: UpdateActivityDto, @IfMatch() ifMatch?: number): Promise<ActivityResponseDto> {
    return toActivityResponse(await this.activities.update(actor, id, body, { ifMatch }));
  }

  @Delete(':id')
  @RequirePermission('activities', 'delete')
  @ApiOperation({ summary: 'Delete an activity', description: 'Moves it to the recycle bin (filter[deleted][eq]=true lists them); a pending task reminder is cancelled.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ActivityResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<ActivityResponseDto> {
    return toActivityResponse(await this.activities.remove(actor, id, { ifMatch }));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @RequirePermission('activities', 'delete')
  @Idempotent()
  @WithETag()
  @ApiOperation({ summary: 'Restore a deleted activity', description: 'A task reminder still unsent is scheduled again (at once when overdue).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ActivityResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async restore(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @IfMatch() ifMatch?: number): Promise<ActivityResponseDto> {
    return toActivityResponse(await this.activities.restore(actor, id, { ifMatch }));
  }
}
