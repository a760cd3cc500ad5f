import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { uuidParam } from '../../../../platform/http/route-helpers';
import { DEFAULT_LIMIT, Page, toPage } from '../../../../platform/query/list-query';
import { ApiPagedOkResponse, ApiProblems } from '../../../../platform/query/swagger';
import { TimelineService } from '../application/timeline.service';
import { TimelineItemDto, TimelineQueryDto, toTimelineItem } from './dto/timeline.dto';

const DESCRIPTION =
  'Newest first: activities related to it (as your activities scope allows), its changes from the audit log, and events other modules published about it ' +
  '(deal.won, ticket.opened, campaign.email_opened, …; each shown when your scope on its resource reaches it). Keyset-paginated with `cursor`.';

@ApiTags('timeline')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get('contacts/:id/timeline')
  @RequirePermission('contacts', 'read')
  @ApiOperation({ summary: "A contact's timeline", description: DESCRIPTION })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiPagedOkResponse(TimelineItemDto)
  @ApiProblems(400, 401, 403, 404)
  async contact(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Query() query: TimelineQueryDto): Promise<Page<TimelineItemDto>> {
    return toPage(await this.timeline.timeline(actor, 'contact', id, { limit: query.limit ?? DEFAULT_LIMIT, cursor: query.cursor }), toTimelineItem);
  }

  @Get('companies/:id/timeline')
  @RequirePermission('companies', 'read')
  @ApiOperation({ summary: "A company's timeline", description: DESCRIPTION })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiPagedOkResponse(TimelineItemDto)
  @ApiProblems(400, 401, 403, 404)
  async company(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Query() query: TimelineQueryDto): Promise<Page<TimelineItemDto>> {
    return toPage(await this.timeline.timeline(actor, 'company', id, { limit: query.limit ?? DEFAULT_LIMIT, cursor: query.cursor }), toTimelineItem);
  }
}
