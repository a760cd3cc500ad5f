import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor } from '../access/decorators';
import { uuidParam } from '../http/route-helpers';
import { ListQueryParam } from '../query/decorators';
import { ListQuery, Page, toPage } from '../query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../query/swagger';
import { MarkNotificationDto, NotificationResponseDto, toNotificationResponse } from './dto/notification.dto';
import { NOTIFICATION_LIST_SPEC, NotificationsService } from './notifications.service';

/** Every signed-in user has notifications; no role permission is involved, only ownership. */
@ApiTags('notifications')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'List your notifications', description: 'Only your own, newest first by default. `filter[readAt][isNull]=true` lists the unread ones.' })
  @ApiListQuery(NOTIFICATION_LIST_SPEC)
  @ApiPagedOkResponse(NotificationResponseDto)
  @ApiProblems(400, 401)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(NOTIFICATION_LIST_SPEC) query: ListQuery): Promise<Page<NotificationResponseDto>> {
    return toPage(await this.notifications.list(actor, query), toNotificationResponse);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one of your notifications' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: NotificationResponseDto })
  @ApiProblems(400, 401, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<NotificationResponseDto> {
    return toNotificationResponse(await this.notifications.get(actor, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Mark a notification read or unread' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: NotificationResponseDto })
  @ApiProblems(400, 401, 404)
  async update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: MarkNotificationDto): Promise<NotificationResponseDto> {
    return toNotificationResponse(await this.notifications.markRead(actor, id, body.read));
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a notification read' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: NotificationResponseDto })
  @ApiProblems(400, 401, 404)
  async read(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<NotificationResponseDto> {
    return toNotificationResponse(await this.notifications.markRead(actor, id, true));
  }
}
