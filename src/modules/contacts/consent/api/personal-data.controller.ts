import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { uuidParam } from '../../../../platform/http/route-helpers';
import { ApiProblems } from '../../../../platform/query/swagger';
import { PersonalDataService } from '../application/personal-data.service';
import { ErasureResponseDto, PersonalDataResponseDto, toErasureResponse, toPersonalDataResponse } from './dto/personal-data.dto';

@ApiTags('contacts')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/contacts/:id')
export class PersonalDataController {
  constructor(private readonly personalData: PersonalDataService) {}

  @Get('personal-data')
  @RequirePermission('contacts', 'read')
  @ApiOperation({
    summary: 'Everything stored about a person (GDPR access)',
    description:
      'The contact record, its company links, activities and timeline entries, the consent ledger, the record\'s audit history and other records holding a copy (merges, imports). Recycle bin included. Holds only what you may see: activities and timeline entries as on the contact\'s timeline, imports by your imports scope.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The contact' })
  @ApiOkResponse({ type: PersonalDataResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async export(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<PersonalDataResponseDto> {
    return toPersonalDataResponse(await this.personalData.export(actor, id));
  }

  @Post('erase')
  @HttpCode(200)
  @RequirePermission('contacts', 'delete')
  @ApiOperation({
    summary: 'Erase a person\'s data (GDPR erasure, cannot be undone)',
    description:
      'Replaces personal data with anonymous values: the contact\'s name, emails, phones, job title, address and personal custom fields (text, url, email, date); the person in activities and timeline summaries (in activities shared with other contacts, each mention of the person\'s names, emails and phones in the text and in the activity\'s history); notifications quoting those activities (task reminders), alike; the values in the record\'s audit history (ids, timestamps and earlier erasures stay); answers kept for `Idempotency-Key` replays that hold the contact or those activities: a retry under such a key gets 409 `IDEMPOTENCY_KEY_ERASED` instead, and is not run again. Contacts merged into this one by merges not undone are the same person and are erased too, and those merges can no longer be undone; a contact that was itself merged into another is refused (409 `ALREADY_MERGED`, with `mergeId` and, when the caller may see it, `primaryId`: erase that one). Keeps ids, owner, team, stage, tags, company links and the consent ledger. The erasure is audited without personal data. Needs the delete permission on the contact (recycle bin included).',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The contact' })
  @ApiOkResponse({ type: ErasureResponseDto })
  @ApiProblems(400, 401, 403, 404, {
    status: 409,
    description: 'The contact was merged into another by a merge that still stands (ALREADY_MERGED, with `mergeId` and, when you may see it, `primaryId`: erase that one)',
    extensions: {
      mergeId: { type: 'string', format: 'uuid', description: 'The merge that still stands' },
      primaryId: { type: 'string', format: 'uuid', description: 'The contact it was merged into, when you may see it' },
    },
  })
  async erase(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ErasureResponseDto> {
    return toErasureResponse(await this.personalData.erase(actor, id));
  }
}
