import { Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { pipeline, Readable } from 'node:stream';
import { Actor } from '../../../../platform/access/actor';
import { badRequest } from '../../../../platform/errors/domain-error';
import { parseListQueryString } from '../../../../platform/query/list-query';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { CompanyRepository } from '../../persistence/company.repository';
import { ContactRepository } from '../../persistence/contact.repository';
import { listSpecWithCustomFields } from '../../persistence/list-specs';
import { companyColumns, contactColumns, CsvColumn } from './csv-columns';

export const EXPORT_FORMATS = ['csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportEntity = 'contacts' | 'companies';

/** Rows read per keyset page: big enough to keep round trips rare, small enough to keep memory flat. */
const EXPORT_PAGE_SIZE = 1000;

/** A parsed export request: the CSV stream starts only when the response is sent. */
export interface CsvExport {
  filename: string;
  stream: Readable;
}

/** Separates the export parameters from the list parameters they share with `GET /<entity>`. */
function splitQuery(raw: unknown): { format: ExportFormat; list: Record<string, unknown> } {
  const list: Record<string, unknown> = { ...((raw ?? {}) as Record<string, unknown>) };
  const format = list.format ?? 'csv';
  // An export is every matching row: paging parameters of the list do not apply.
  for (const key of ['format', 'limit', 'cursor']) delete list[key];
  if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw badRequest(`format must be one of ${EXPORT_FORMATS.join(', ')}.`, [{ field: 'format', message: `must be one of ${EXPORT_FORMATS.join(', ')}` }], 'INVALID_QUERY');
  }
  return { format: format as ExportFormat, list };
}

@Injectable()
export class ExportService {
  private readonly logger = new Logger(ExportService.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyRepository,
    private readonly customFields: CustomFieldsService,
  ) {}

  /**
   * Every record the actor can read that matches the list's filters, sort and `q`, as CSV.
   * Query errors are thrown here, before any byte is sent; the rows are read page by page
   * as the client consumes them (back-pressure), so memory stays flat whatever the size.
   */
  async csv(actor: Actor, entity: ExportEntity, rawQuery: unknown): Promise<CsvExport> {
    const { list } = splitQuery(rawQuery);
    const defs = await this.customFields.shapes(entity === 'contacts' ? 'contact' : 'company');
    const query = parseListQueryString(listSpecWithCustomFields(entity, defs), list);
    const stream =
      entity === 'contacts'
        ? this.render(contactColumns(defs), this.contacts.stream(actor, query, EXPORT_PAGE_SIZE))
        : this.render(companyColumns(defs), this.companies.stream(actor, query, EXPORT_PAGE_SIZE));
    return { filename: `${entity}.csv`, stream };
  }

  private render<E>(columns: readonly CsvColumn<E>[], records: AsyncGenerator<E>): Readable {
    async function* rows(): AsyncGenerator<(string | null)[]> {
      for await (const record of records) yield columns.map((c) => c.value(record));
    }
    // RFC 4180: comma and CRLF. csv-stringify quotes only cells holding the record delimiter
    // itself, so a bare LF inside a value (addresses) must be matched explicitly; outer spaces
    // are quoted so spreadsheet tools do not trim them.
    const out = stringify({ header: true, columns: columns.map((c) => c.header), record_delimiter: 'windows', quoted_match: /[\r\n]|^\s|\s$/ });
    pipeline(Readable.from(rows()), out, (err) => {
      if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') this.logger.error(`CSV export failed: ${err.message}`, err.stack);
    });
    return out;
  }
}
