import { Inject, Injectable, Logger } from '@nestjs/common';
import { pipeline, Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Actor } from '../../../../platform/access/actor';
import { AppConfig } from '../../../../platform/config/config';
import { APP_CONFIG } from '../../../../platform/config/config.module';
import { badRequest, DomainError } from '../../../../platform/errors/domain-error';
import { parseListQueryString } from '../../../../platform/query/list-query';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { CompanyEntity } from '../../persistence/company.entity';
import { CompanyRepository } from '../../persistence/company.repository';
import { ContactEntity } from '../../persistence/contact.entity';
import { ContactRepository } from '../../persistence/contact.repository';
import { listSpecWithCustomFields } from '../../persistence/list-specs';
import { companyColumns, contactColumns } from './csv-columns';
import { COMPANY_CELLS, CONTACT_CELLS, csvCopyPlan, CsvCopyPlan, inlineParams } from './csv-copy';

export const EXPORT_FORMATS = ['csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportEntity = 'contacts' | 'companies';

/** A parsed export request: its rows are read from the database as the stream is consumed. */
export interface CsvExport {
  filename: string;
  stream: Readable;
}

/** Separates the export parameters from the list parameters they share with `GET /<entity>`. */
function splitQuery(raw: unknown): { format: ExportFormat; list: Record<string, unknown> } {
  const list: Record<string, unknown> = { ...((raw ?? {}) as Record<string, unknown>) };
  const format = list.format ?? 'csv';
  delete list.format;
  // An export is every matching row in one response: a page size or cursor would be ignored, so it is refused.
  for (const key of ['limit', 'cursor']) {
    if (key in list) throw badRequest(`An export has no pages: ${key} does not apply.`, [{ field: key, message: 'does not apply to an export' }], 'INVALID_QUERY');
  }
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
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxRunning = Math.max(1, Math.floor(config.database.poolSize / 2));
  }

  /**
   * An export holds a pool connection for as long as its client reads: at most half the pool
   * serves exports at once, so slow downloads never starve the rest of the API (beyond: 429).
   */
  private readonly maxRunning: number;
  private running = 0;

  /**
   * Every record the actor can read that matches the list's filters, sort and `q`, as CSV.
   * Query errors are thrown here, before any byte is sent. The rows come from one
   * `COPY (SELECT …) TO STDOUT` (one snapshot, the list's own scoped, filtered and sorted
   * statement) read as the client consumes them (back-pressure), so memory stays flat whatever
   * the size.
   */
  async csv(actor: Actor, entity: ExportEntity, rawQuery: unknown): Promise<CsvExport> {
    const { list } = splitQuery(rawQuery);
    const defs = await this.customFields.shapes(entity === 'contacts' ? 'contact' : 'company');
    const query = parseListQueryString(listSpecWithCustomFields(entity, defs), list);
    if (entity === 'contacts') {
      const plan = csvCopyPlan(this.dataSource.getMetadata(ContactEntity), CONTACT_CELLS, contactColumns(defs), defs);
      return { filename: `${entity}.csv`, stream: await this.render(plan, this.contacts.streamSql(actor, query, plan.select)) };
    }
    const plan = csvCopyPlan(this.dataSource.getMetadata(CompanyEntity), COMPANY_CELLS, companyColumns(defs), defs);
    return { filename: `${entity}.csv`, stream: await this.render(plan, this.companies.streamSql(actor, query, plan.select)) };
  }

  private async render<E>(plan: CsvCopyPlan<E>, statement: { sql: string; params: unknown[] }): Promise<Readable> {
    const copy = `COPY (${inlineParams(statement.sql, statement.params)}) TO STDOUT WITH (FORMAT text, NULL '')`;
    if (this.running >= this.maxRunning) {
      throw new DomainError('EXPORTS_BUSY', 'rate_limited', `${this.running} exports are running on this server, the most it runs at once; retry in a minute.`, [], { 'Retry-After': '60' });
    }
    this.running++;
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    let client: PoolClient;
    let source: Readable;
    try {
      client = await pool.connect();
    } catch (err) {
      this.running--;
      throw err;
    }
    try {
      source = client.query(copyTo(copy));
    } catch (err) {
      this.running--;
      client.release();
      throw err;
    }
    const out = plan.transform();
    pipeline(source, out, (err) => {
      this.running--;
      // A COPY stopped half-way (client gone, error) leaves the connection mid-protocol: drop it.
      client.release(err ?? undefined);
      if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') this.logger.error(`CSV export failed: ${err.message}`, err.stack);
    });
    return out;
  }
}
