import { ApiProperty } from '@nestjs/swagger';
import { ImportReport, MAX_REPORTED_ERRORS } from '../../application/imports.service';
import { COMPANY_TARGETS, CONTACT_TARGETS, DATE_FORMATS, DELIMITERS, IMPORT_ENTITIES, IMPORT_MODES, MATCH_BY } from '../../domain/import-options';

export class ImportRowErrorDto {
  @ApiProperty({ description: 'Data row number, 1 = the first row after the header (0: the header itself)', example: 12 }) row: number;
  @ApiProperty({ description: 'The CSV column (lower-case), or the field when no column feeds it', example: 'e-mail' }) column: string;
  @ApiProperty({ example: 'must be an email address' }) message: string;
}

export class ImportReportDto {
  @ApiProperty({ description: 'Data rows read (blank lines are not rows)' }) rows: number;
  @ApiProperty({ description: 'Rows that create a record' }) created: number;
  @ApiProperty({ description: 'Rows that update a matched record' }) updated: number;
  @ApiProperty({ description: 'Valid rows left alone: create mode and the email exists (in your scope or earlier in the file), or update mode and nothing matches' }) skipped: number;
  @ApiProperty({ description: 'Rows with at least one error' }) failed: number;
  @ApiProperty({ type: [ImportRowErrorDto], description: `Every problem by row and column, at most ${MAX_REPORTED_ERRORS}` }) errors: ImportRowErrorDto[];
  @ApiProperty({ description: 'More problems exist than `errors` lists' }) errorsTruncated: boolean;
}

/** The multipart form of POST /imports, for the OpenAPI document (the handler reads the parts as they stream). */
export class ImportUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The CSV: UTF-8 with or without BOM, `,` or `;` separated, with a header row' }) file: unknown;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity: string;
  @ApiProperty({
    type: 'string',
    description:
      `JSON object, CSV column header → field. Contacts: ${CONTACT_TARGETS.join(', ')}; companies: ${COMPANY_TARGETS.join(', ')}; ` +
      'custom fields as `customFields.<key>` or `cf_<key>` (money: amount and currency in one cell, e.g. `1200.50 EUR`, or the currency in a `cf_<key>.currency` column). ' +
      'Several emails, phones, tags or options in one cell are separated by `;`, `,` or `|`.',
    example: '{"First name":"firstName","E-Mail":"email","Score":"customFields.score"}',
  })
  mapping: string;
  @ApiProperty({ enum: IMPORT_MODES, required: false, default: 'create' }) mode?: string;
  @ApiProperty({ enum: MATCH_BY, required: false, default: 'email', description: 'How update and upsert find the record (contacts: email, compared case-insensitively)' }) matchBy?: string;
  @ApiProperty({ type: 'boolean', required: false, default: false, description: 'Only dry runs are available in this version: the report of what the import would do, nothing written' }) dryRun?: boolean;
  @ApiProperty({ enum: DATE_FORMATS, required: false, default: 'iso', description: 'How date cells are written: iso (2024-12-31) or dmy (31.12.2024, 31/12/2024)' }) dateFormat?: string;
  @ApiProperty({ enum: DELIMITERS, required: false, default: 'auto', description: 'auto: the separator that occurs most in the header row' }) delimiter?: string;
}

export const toImportReport = (r: ImportReport): ImportReportDto => ({
  rows: r.rows,
  created: r.created,
  updated: r.updated,
  skipped: r.skipped,
  failed: r.failed,
  errors: r.errors.map((e) => ({ row: e.row, column: e.column, message: e.message })),
  errorsTruncated: r.errorsTruncated,
});
