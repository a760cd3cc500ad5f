import { Controller, Get, Header, UseFilters } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public } from '../access/decorators';
import { LivenessResponseDto, NotReadyProblemDto, ReadinessResponseDto } from './dto/health.dto';
import { HealthService } from './health.service';
import { NotReadyFilter } from './not-ready.filter';

/** Probes for orchestrators and load balancers: outside /api/v1, no credentials. */
@ApiTags('ops')
@ApiExtraModels(NotReadyProblemDto)
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop answers', security: [] })
  @ApiOkResponse({ type: LivenessResponseDto })
  live(): LivenessResponseDto {
    return { status: 'ok', uptimeSeconds: this.health.uptimeSeconds() };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Readiness: Postgres and Redis answer and no migration is pending',
    description: 'Each check gives up after 1 s, so the probe answers quickly even when a dependency hangs. A 503 names the failing parts in `errors` and `checks`.',
    security: [],
  })
  @ApiOkResponse({ type: ReadinessResponseDto })
  @UseFilters(NotReadyFilter)
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down or migrations are pending.',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(NotReadyProblemDto) } } },
  })
  async ready(): Promise<ReadinessResponseDto> {
    return { status: 'ok', checks: await this.health.ready() };
  }
}
