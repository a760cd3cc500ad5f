import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { Idempotent } from '../../../../platform/http/idempotency/idempotent.decorator';
import { uuidParam } from '../../../../platform/http/route-helpers';
import { ApiProblems } from '../../../../platform/query/swagger';
import { ConsentService } from '../application/consent.service';
import { ConsentEntryResponseDto, ConsentLedgerResponseDto, RecordConsentDto, toChannelConsentResponse, toConsentEntryResponse } from './dto/consent.dto';

@ApiTags('contacts')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/contacts/:id/consents')
export class ConsentController {
  constructor(private readonly consents: ConsentService) {}

  @Post()
  @RequirePermission('contacts', 'update')
  @Idempotent()
  @ApiOperation({
    summary: 'Record a consent grant or withdrawal',
    description: 'Appends to the contact\'s consent ledger (evidence: legal basis, source, time, the request and who recorded it). The ledger is append-only: entries are never changed or deleted; a withdrawal is a new entry.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The contact' })
  @ApiCreatedResponse({ type: ConsentEntryResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async record(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() body: RecordConsentDto): Promise<ConsentEntryResponseDto> {
    return toConsentEntryResponse(await this.consents.record(actor, id, body));
  }

  @Get()
  @RequirePermission('contacts', 'read')
  @ApiOperation({ summary: 'The consent ledger of a contact', description: 'Every entry, oldest first, and the current status per channel (the entry that happened last wins).' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The contact' })
  @ApiOkResponse({ type: ConsentLedgerResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async ledger(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ConsentLedgerResponseDto> {
    const { current, entries } = await this.consents.ledgerOf(actor, id);
    return { current: current.map(toChannelConsentResponse), entries: entries.map(toConsentEntryResponse) };
  }
}
