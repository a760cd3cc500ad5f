import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { DELETED_PRIMARY_ID, STANDING_MERGE_ID } from './merge-problems';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { Idempotent } from '../../../../platform/http/idempotency/idempotent.decorator';
import { uuidParam } from '../../../../platform/http/route-helpers';
import { ApiProblems } from '../../../../platform/query/swagger';
import { CompanyMergeService } from '../application/company-merge.service';
import { CompanyMergeResponseDto, MergeCompaniesDto, toCompanyMergeResponse } from './dto/company-merge.dto';

@ApiTags('companies')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/companies')
export class CompanyMergeController {
  constructor(private readonly merges: CompanyMergeService) {}

  @Post('merge')
  @HttpCode(200)
  @RequirePermission('companies', 'update')
  @Idempotent()
  @ApiOperation({
    summary: 'Merge duplicate companies into one',
    description:
      'One transaction: the primary takes the chosen fields and the union of domains, tags and custom field values; the duplicates\' activities and timeline entries, their contacts\' links (roles kept, one link per contact) and their subsidiaries move to it; the duplicates go to the recycle bin. Needs the update scope on the primary and the delete scope on each duplicate (404 otherwise); a company already merged into another is a 409. Audited, with full snapshots kept for the undo.',
  })
  @ApiOkResponse({ type: CompanyMergeResponseDto })
  @ApiProblems(400, 401, 403, 404, {
    status: 409,
    description: 'A company was merged into another by a merge that still stands (ALREADY_MERGED, with `mergeId`); or a retry while the request with its Idempotency-Key still runs',
    extensions: { mergeId: STANDING_MERGE_ID },
  })
  async merge(@CurrentActor() actor: Actor, @Body() body: MergeCompaniesDto): Promise<CompanyMergeResponseDto> {
    return toCompanyMergeResponse(await this.merges.merge(actor, body));
  }

  @Post('merges/:id/undo')
  @HttpCode(200)
  @RequirePermission('companies', 'update')
  @ApiOperation({
    summary: 'Undo a merge of companies',
    description:
      'Restores the duplicates, moves back what moved (links and subsidiaries that still point at the primary) and puts the primary back as it was. 409 when already undone or when the primary changed since the merge in what the undo puts back (merges into one primary come off in reverse order: once a later one is undone, an earlier one can be), when the primary is in the recycle bin (`MERGE_PRIMARY_DELETED`: restore it first) or was merged into another company since (`MERGE_PRIMARY_MERGED`, with that `mergeId`: undo that merge first). A merged duplicate comes back only through the undo: restoring it by hand is a 409 `ALREADY_MERGED`.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The merge' })
  @ApiOkResponse({ type: CompanyMergeResponseDto })
  @ApiProblems(400, 401, 403, 404, {
    status: 409,
    description: 'Undone already (MERGE_ALREADY_UNDONE), the primary changed since (MERGE_PRIMARY_CHANGED), was merged into another (MERGE_PRIMARY_MERGED, with `mergeId`) or is in the recycle bin (MERGE_PRIMARY_DELETED, with `primaryId`)',
    extensions: {
      mergeId: STANDING_MERGE_ID,
      primaryId: DELETED_PRIMARY_ID,
    },
  })
  async undo(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<CompanyMergeResponseDto> {
    return toCompanyMergeResponse(await this.merges.undo(actor, id));
  }
}
