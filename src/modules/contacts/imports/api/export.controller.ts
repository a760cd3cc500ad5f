import { Controller, Get, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../../platform/access/actor';
import { CurrentActor, RequirePermission } from '../../../../platform/access/decorators';
import { ApiListQuery, ApiProblems } from '../../../../platform/query/swagger';
import { RawListQuery } from '../../api/http';
import { COMPANY_LIST, CONTACT_LIST, CUSTOM_FIELD_FILTERS } from '../../persistence/list-specs';
import { CsvExport, EXPORT_FORMATS, ExportService } from '../application/export.service';

const DESCRIPTION =
  'Every record you can read that matches the same filters, sort and `q` as the list, streamed in one response (no paging: `limit` and `cursor` are refused). ' +
  'RFC 4180 CSV with a header row; several values in one cell (emails, tags, …) are separated by `;`, and a `;`, line break or backslash inside one value ' +
  'is written with a backslash before it (the tags `a;b` and `c,d` are the cell `a\\;b;c,d`), which imports read back as one value; one `cf_<key>` column per custom field ' +
  '(money: `cf_<key>` is the amount, `cf_<key>.currency` the currency). ' +
  'A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number) ' +
  'is written with a leading `\'`, which spreadsheets show as text; imports take that apostrophe off again. A value that itself starts with ' +
  'apostrophes followed by one of those characters gets one more (`\'-x` is written `\'\'-x`), so an export imported back is unchanged.';

const ApiFormatQuery = () => ApiQuery({ name: 'format', required: false, schema: { type: 'string', enum: [...EXPORT_FORMATS], default: 'csv' } });
const ApiCsvResponse = () => ApiResponse({ status: 200, description: 'The CSV file', content: { 'text/csv': { schema: { type: 'string' } } } });

const toFile = (e: CsvExport) => new StreamableFile(e.stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${e.filename}"` });

@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('api/v1')
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get('contacts/export')
  @ApiTags('contacts')
  @RequirePermission('contacts', 'read')
  @ApiOperation({ summary: 'Export contacts', description: DESCRIPTION })
  @ApiFormatQuery()
  @ApiListQuery(CONTACT_LIST, CUSTOM_FIELD_FILTERS, { paged: false })
  @ApiProduces('text/csv')
  @ApiCsvResponse()
  @ApiProblems(400, 401, 403, { status: 429, description: 'Over the rate limit, or as many exports running on this server as it runs at once (EXPORTS_BUSY); see Retry-After' })
  async contacts(@CurrentActor() actor: Actor, @RawListQuery() query: unknown): Promise<StreamableFile> {
    return toFile(await this.exports.csv(actor, 'contacts', query));
  }

  @Get('companies/export')
  @ApiTags('companies')
  @RequirePermission('companies', 'read')
  @ApiOperation({ summary: 'Export companies', description: DESCRIPTION })
  @ApiFormatQuery()
  @ApiListQuery(COMPANY_LIST, CUSTOM_FIELD_FILTERS, { paged: false })
  @ApiProduces('text/csv')
  @ApiCsvResponse()
  @ApiProblems(400, 401, 403, { status: 429, description: 'Over the rate limit, or as many exports running on this server as it runs at once (EXPORTS_BUSY); see Retry-After' })
  async companies(@CurrentActor() actor: Actor, @RawListQuery() query: unknown): Promise<StreamableFile> {
    return toFile(await this.exports.csv(actor, 'companies', query));
  }
}
