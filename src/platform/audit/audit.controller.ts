import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor } from '../access/decorators';
import { ListQueryParam } from '../query/decorators';
import { ListQuery, Page, toPage } from '../query/list-query';
import { ApiListQuery, ApiPagedOkResponse, ApiProblems } from '../query/swagger';
import { AUDIT_LIST_SPEC, AuditQueryService } from './audit-query.service';
import { AuditEntryResponseDto, toAuditEntryResponse } from './dto/audit-entry.dto';


@ApiTags('audit')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @ApiOperation({
    summary: 'List audit log entries',
    description:
      'Who changed what, newest first. Administrators may filter freely; other callers must filter by ' +
      'filter[resource][eq] and filter[recordId][eq] of a record they can read (403 without, 404 for a record outside their scope).',
  })
  @ApiListQuery(AUDIT_LIST_SPEC)
  @ApiPagedOkResponse(AuditEntryResponseDto)
  @ApiProblems(401, 403, 404)
  async list(@CurrentActor() actor: Actor, @ListQueryParam(AUDIT_LIST_SPEC) query: ListQuery): Promise<Page<AuditEntryResponseDto>> {
    return toPage(await this.audit.list(actor, query), toAuditEntryResponse);
  }
}
