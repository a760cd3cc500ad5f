import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../platform/access/decorators';
import { MAX_LIMIT, Page } from '../../../platform/query/list-query';
import { ApiPagedOkResponse, ApiProblems } from '../../../platform/query/swagger';
import { TagsService } from '../application/tags.service';
import { TagResponseDto } from './dto/tag.dto';
import { RawListQuery } from './http';

@ApiTags('tags')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1/tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @RequirePermission('tags', 'read')
  @ApiOperation({ summary: 'List tags with counts', description: 'Every tag on the contacts and companies you can see, by name, with how many carry it.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'q', required: false, schema: { type: 'string', maxLength: 50 }, description: 'Tags starting with this (case-insensitive)' })
  @ApiPagedOkResponse(TagResponseDto)
  @ApiProblems(400, 401, 403)
  async list(@CurrentActor() actor: Actor, @RawListQuery() query: unknown): Promise<Page<TagResponseDto>> {
    return this.tags.list(actor, query);
  }
}
