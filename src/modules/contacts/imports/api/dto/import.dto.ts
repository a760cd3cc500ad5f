import { ApiProperty } from '@nestjs/swagger';
import { ImportReport, MAX_REPORTED_ERRORS } from '../../application/import-report';
import { COMPANY_TARGETS, CONTACT_TARGETS, DATE_FORMATS, DELIMITERS, IMPORT_ENTITIES, IMPORT_MODES, LIST_SEPARATORS, MATCH_BY } from '../../domain/import-options';
import { IMPORT_STATUSES, ImportStatus } from '../../domain/import-status';
import { ImportEntity } from '../../persistence/import.entity';

export class ImportRowErrorDto {
  @ApiProperty({ description: 'Data row number, 1 = the first row after the header (0: the header itself)', example: 12 }) row: number;
  @ApiProperty({ description: 'The CSV column as the mapping names it (columns are matched to the header ignoring case), or the field when no column feeds it; empty for a problem of the whole row (more cells than the header)', example: 'E-Mail' }) column: string;
  @ApiProperty({ example: 'must be an email address' }) message: string;
}

export class ImportReportDto {
  @ApiProperty({ description: 'Data rows read (blank lines are not rows)' }) rows: number;
  @ApiProperty({ description: 'Rows that create a record' }) created: number;
  @ApiProperty({ description: 'Rows that update a matched record (and change at least one of its values)' }) updated: number;
  @ApiProperty({
    description: 'Rows that match a record and would change none of its values (say, a file exported and imported back unchanged): the record is left as it is, with no new version, audit entry or revert receipt',
  })
  unchanged: number;
  @ApiProperty({
    description:
      'Valid rows left alone: create mode and the external id exists in your scope or earlier in the file, update mode and nothing matches, or a row that would create a duplicate of a contact you can see (same email or phone; `errors` names it: "skipped: duplicate of <id>")',
  })
  skipped: number;
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
      'Several emails, phones, tags or options in one cell are separated by `;` (as the export writes them; see listSeparator) or by line breaks. ' +
      'On update a blank cell leaves the field as it is; emails, phones, domains and tags are added to those the record has, custom fields merged.',
    example: '{"First name":"firstName","E-Mail":"email","Score":"customFields.score"}',
  })
  mapping: string;
  @ApiProperty({ enum: IMPORT_MODES, required: false, default: 'create' }) mode?: string;
  @ApiProperty({
    enum: MATCH_BY,
    required: false,
    description:
      'How update and upsert find the record, within the records you may update: email (contacts only, compared case-insensitively) or externalId (needs a column mapped to externalId). Required for update and upsert.',
  })
  matchBy?: string;
  @ApiProperty({ type: 'boolean', required: false, default: false, description: 'true: only the report of what the import would do (200), nothing written; false: the import runs as a job (202)' }) dryRun?: boolean;
  @ApiProperty({ enum: DATE_FORMATS, required: false, default: 'iso', description: 'How date cells are written: iso (2024-12-31, a date alone: a timestamp is a row error) or dmy (31.12.2024, 31/12/2024)' }) dateFormat?: string;
  @ApiProperty({ enum: DELIMITERS, required: false, default: 'auto', description: 'auto: the separator that occurs most in the header row' }) delimiter?: string;
  @ApiProperty({
    enum: LIST_SEPARATORS,
    required: false,
    default: ';',
    description: 'What separates several values in one cell of a list field (emails, phones, domains, tags, multiselect options); a line break always does. The export writes `;`, so a value may hold a comma ("Key account, DACH"); a backslash before the separator, a line break or a backslash makes it part of the value (`a\\;b;c` is `a;b` and `c`, as the export writes it)',
  })
  listSeparator?: string;
}

export const toImportReport = (r: ImportReport): ImportReportDto => ({
  rows: r.rows,
  created: r.created,
  updated: r.updated,
  unchanged: r.unchanged,
  skipped: r.skipped,
  failed: r.failed,
  errors: r.errors.map((e) => ({ row: e.row, column: e.column, message: e.message })),
  errorsTruncated: r.errorsTruncated,
});

export class ImportResponseDto extends ImportReportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity: string;
  @ApiProperty({ enum: IMPORT_MODES }) mode: string;
  @ApiProperty({ enum: MATCH_BY, nullable: true }) matchBy: string | null;
  @ApiProperty({ enum: IMPORT_STATUSES, description: 'queued → running → completed | failed; a revert: reverting → reverted' }) status: ImportStatus;
  @ApiProperty({ description: 'Data rows whose effects are committed (the run resumes after them)' }) rowsCommitted: number;
  @ApiProperty({ type: String, nullable: true, example: 'people.csv' }) fileName: string | null;
  @ApiProperty({ type: 'integer', example: 1048576 }) fileBytes: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the run (or the revert) stopped' }) error: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The run\'s job: progress at GET /api/v1/jobs/{id}' }) jobId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The revert\'s job, once asked for' }) revertJobId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who started the import' }) ownerId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revertedAt: string | null;
}

export const toImportResponse = (e: ImportEntity): ImportResponseDto => ({
  id: e.id,
  entity: e.entity,
  mode: e.mode,
  matchBy: e.matchBy,
  status: e.status,
  rows: e.rowsRead,
  created: e.created,
  updated: e.updated,
  unchanged: e.unchanged,
  skipped: e.skipped,
  failed: e.failed,
  errors: e.errors.map((x) => ({ row: x.row, column: x.column, message: x.message })),
  errorsTruncated: e.errorsTruncated,
  rowsCommitted: e.rowsCommitted,
  fileName: e.fileName,
  fileBytes: Number(e.fileBytes),
  error: e.error,
  jobId: e.jobId,
  revertJobId: e.revertJobId,
  ownerId: e.ownerId,
  teamId: e.teamId,
  version: e.version,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
  startedAt: e.startedAt?.toISOString() ?? null,
  finishedAt: e.finishedAt?.toISOString() ?? null,
  revertedAt: e.revertedAt?.toISOString() ?? null,
});
