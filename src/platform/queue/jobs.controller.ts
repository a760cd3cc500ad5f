import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, RequirePermission } from '../access/decorators';
import { ListQueryParam } from '../query/decorators';
import { ListQuery, Page, toPage } from '../query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../query/swagger';
import { JobResponseDto, toJobResponse } from './dto/job.dto';
import { JOBS_LIST_SPEC, JobsService } from './jobs.service';
import { uuidParam } from '../http/route-helpers';


@ApiTags('jobs')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @RequirePermission('jobs', 'read')
  @ApiOperation({
    summary: 'List jobs',
    description: 'Background jobs (imports, exports, sends, reports), newest first. Administrators see every job; others see the jobs they started.',
  })
  @ApiListQuery(JOBS_LIST_SPEC)
  @ApiPagedOkResponse(JobResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(JOBS_LIST_SPEC) query: ListQuery): Promise<Page<JobResponseDto>> {
    return toPage(await this.jobs.list(actor, query), toJobResponse);
  }

  @Get(':id')
  @RequirePermission('jobs', 'read')
  @ApiOperation({ summary: 'Get a job', description: 'Status, progress and outcome of one job; poll it after a 202 Accepted.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: JobResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<JobResponseDto> {
    return toJobResponse(await this.jobs.get(actor, id));
  }

  @Post(':id/retry')
  @HttpCode(202)
  @RequirePermission('jobs', 'update')
  @ApiOperation({ summary: 'Retry a failed job', description: 'Administrators only. The job is queued again with a fresh set of attempts.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiAcceptedResponse({ type: JobResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async retry(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<JobResponseDto> {
    return toJobResponse(await this.jobs.retry(actor, id));
  }
}
