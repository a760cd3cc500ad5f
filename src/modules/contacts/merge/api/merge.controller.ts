import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { DELETED_PRIMARY_ID, STANDING_MERGE_ID } from './merge-problems';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { Idempotent } from '../../../../platform/http/idempotency/idempotent.decorator';
import { uuidParam } from '../../../../platform/http/route-helpers';
import { ApiProblems } from '../../../../platform/query/swagger';
import { MergeService } from '../application/merge.service';
import { MergeContactsDto, MergeResponseDto, toMergeResponse } from './dto/merge.dto';

@ApiTags('contacts')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/contacts')
export class MergeController {
  constructor(private readonly merges: MergeService) {}

  @Post('merge')
  @HttpCode(200)
  @RequirePermission('contacts', 'update')
  @Idempotent()
  @ApiOperation({
    summary: 'Merge duplicate contacts into one',
    description:
      'One transaction: the primary takes the chosen fields and the union of emails, phones, tags, company links and custom field values; the duplicates\' activities, timeline entries and consent evidence move to it; the duplicates go to the recycle bin. Needs the update scope on the primary and the delete scope on each duplicate (404 otherwise); a contact already merged into another, or one that was erased (GDPR), is a 409. Audited, with full snapshots kept for the undo.',
  })
  @ApiOkResponse({ type: MergeResponseDto })
  @ApiProblems(400, 401, 403, 404, {
    status: 409,
    description: 'A contact was merged into another by a merge that still stands (ALREADY_MERGED, with `mergeId`), or was erased (CONTACT_ERASED, with `erasedIds`); or a retry while the request with its Idempotency-Key still runs',
    extensions: {
      mergeId: STANDING_MERGE_ID,
      erasedIds: { type: 'array', items: { type: 'string', format: 'uuid' }, description: 'The erased contacts (CONTACT_ERASED)' },
    },
  })
  async merge(@CurrentActor() actor: Actor, @Body() body: MergeContactsDto): Promise<MergeResponseDto> {
    return toMergeResponse(await this.merges.merge(actor, body));
  }

  @Post('merges/:id/undo')
  @HttpCode(200)
  @RequirePermission('contacts', 'update')
  @ApiOperation({
    summary: 'Undo a merge',
    description: 'Restores the duplicates, moves back what moved and puts the primary back as it was. 409 when already undone, when the primary changed since the merge in what the undo puts back (merges into one primary come off in reverse order: once a later one is undone, an earlier one can be), when a person it joined was erased (GDPR), when the primary is in the recycle bin (`MERGE_PRIMARY_DELETED`: restore it first) or was merged into another contact since (`MERGE_PRIMARY_MERGED`, with that `mergeId`: undo that merge first). A merged duplicate comes back only through the undo: restoring it by hand is a 409 `ALREADY_MERGED`.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The merge' })
  @ApiOkResponse({ type: MergeResponseDto })
  @ApiProblems(400, 401, 403, 404, {
    status: 409,
    description: 'Undone already (MERGE_ALREADY_UNDONE), the primary changed since (MERGE_PRIMARY_CHANGED), was merged into another (MERGE_PRIMARY_MERGED, with `mergeId`) or is in the recycle bin (MERGE_PRIMARY_DELETED, with `primaryId`), or a person it joined was erased (MERGE_ERASED)',
    extensions: {
      mergeId: STANDING_MERGE_ID,
      primaryId: DELETED_PRIMARY_ID,
    },
  })
  async undo(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<MergeResponseDto> {
    return toMergeResponse(await this.merges.undo(actor, id));
  }
}
