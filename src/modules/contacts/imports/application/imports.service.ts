import { Injectable } from '@nestjs/common';
import { Actor } from '../../../../platform/access/actor';
import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { ImportOptions } from '../domain/import-options';
import { ImportMatchRepository } from '../persistence/import-match.repository';
import { CsvRow, readCsv } from './csv-source';
import { mapCompanyRow, mapContactRow, MappedContact, RowError } from './row-mapper';

/** What an import did (or, dry, would do). */
export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errors: RowError[];
  /** More rows failed than `errors` lists. */
  errorsTruncated: boolean;
}

/** Errors listed in a report; past this only the counts grow (a wrong delimiter fails every row). */
export const MAX_REPORTED_ERRORS = 1000;
/** Rows matched against the database per query. */
const MATCH_BATCH = 1000;

class ReportBuilder {
  readonly report: ImportReport = { rows: 0, created: 0, updated: 0, skipped: 0, failed: 0, errors: [], errorsTruncated: false };

  fail(errors: readonly RowError[]): void {
    this.report.failed++;
    for (const e of errors) {
      if (this.report.errors.length < MAX_REPORTED_ERRORS) this.report.errors.push(e);
      else this.report.errorsTruncated = true;
    }
  }
}

@Injectable()
export class ImportsService {
  constructor(
    private readonly customFields: CustomFieldsService,
    private readonly matches: ImportMatchRepository,
  ) {}

  /**
   * Reads the whole file, checks every row like the API would, and matches rows to existing
   * records in the actor's scope, writing nothing. Rows are matched in batches, so memory holds
   * one batch plus the emails already seen in the file.
   */
  async dryRun(actor: Actor, file: string, opts: ImportOptions): Promise<ImportReport> {
    const defs = await this.customFields.shapes(opts.entity);
    const out = new ReportBuilder();
    const rows = readCsv(file, opts.delimiter, (headers) => this.checkHeaders(headers, opts, out));
    if (opts.entity === 'company') {
      for await (const row of rows) {
        out.report.rows++;
        const { company, errors } = mapCompanyRow(row, opts, defs);
        if (company) out.report.created++;
        else out.fail(errors);
      }
      return out.report;
    }
    await this.dryRunContacts(actor, rows, opts, defs, out);
    return out.report;
  }

  private async dryRunContacts(actor: Actor, rows: AsyncGenerator<CsvRow>, opts: ImportOptions, defs: readonly CustomFieldShape[], out: ReportBuilder): Promise<void> {
    // Emails of rows that would create a contact: a later row with one of them meets that contact.
    const createdInFile = new Set<string>();
    let batch: MappedContact[] = [];
    const flush = async () => {
      const existing = await this.matches.byEmails(actor, [...new Set(batch.flatMap((c) => c.emailKeys))]);
      for (const contact of batch) {
        const inDatabase = contact.emailKeys.some((k) => existing.has(k));
        const inFile = contact.emailKeys.some((k) => createdInFile.has(k));
        if (opts.mode === 'update') {
          if (inDatabase) out.report.updated++;
          else out.report.skipped++;
        } else if (inDatabase || inFile) {
          if (opts.mode === 'upsert') out.report.updated++;
          else out.report.skipped++;
        } else {
          out.report.created++;
          contact.emailKeys.forEach((k) => createdInFile.add(k));
        }
      }
      batch = [];
    };
    for await (const row of rows) {
      out.report.rows++;
      const { contact, errors } = mapContactRow(row, opts, defs);
      if (!contact) out.fail(errors);
      else batch.push(contact);
      if (batch.length >= MATCH_BATCH) await flush();
    }
    await flush();
  }

  /** A mapped column missing from the file is a mistake in the mapping, reported once on row 0. */
  private checkHeaders(headers: readonly string[], opts: ImportOptions, out: ReportBuilder): void {
    const present = new Set(headers);
    const missing = [...opts.mapping.keys()].filter((c) => !present.has(c));
    for (const column of missing) out.report.errors.push({ row: 0, column, message: 'is mapped but not in the file\'s header' });
  }
}
