import { Injectable } from '@nestjs/common';
import { once } from 'node:events';
import { createWriteStream, WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Actor } from '../../../../platform/access/actor';
import { DomainError } from '../../../../platform/errors/domain-error';
import { CliCommand, CliCommandContext, CliCommandHandler, EXIT_OK, ParsedArgs, UsageError } from '../../../../platform/ops/cli/cli-command';
import { Progress, progress } from '../../../../platform/ops/cli/progress';
import { parseListQueryString } from '../../../../platform/query/list-query';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { CompanyRepository } from '../../persistence/company.repository';
import { ContactRepository } from '../../persistence/contact.repository';
import { listSpecWithCustomFields } from '../../persistence/list-specs';
import { ExportController } from '../api/export.controller';
import { ExportEntity, ExportService } from '../application/export.service';
import { CsvRecordCounter } from './csv-records';
import { ExportQuery, exportQueryFromFilter } from './export-filter';
import { assertMayCall } from './route-permission';

const ENTITIES: readonly ExportEntity[] = ['contacts', 'companies'];
const ONE: Record<ExportEntity, string> = { contacts: 'contact', companies: 'company' };

/** Where the CSV goes, chunk by chunk, with back-pressure. */
interface Sink {
  write(chunk: Buffer | string): Promise<void> | void;
  /** Everything written arrived (a file: flushed and in place). */
  close(): Promise<void>;
  /** The export failed: leave nothing behind. */
  abort(): Promise<void>;
}

/**
 * `crm export`: the CSV of `GET /api/v1/<entity>/export`, built by the same ExportService (columns,
 * filters, sort, scope), to a file or stdout. The caller's scope is that of `--as`; without it the
 * system's (every record), as for every ops command.
 */
@Injectable()
@CliCommand({
  name: 'export',
  summary: 'Export contacts or companies as CSV (the file GET /api/v1/<entity>/export returns) to a file or stdout',
  usage: 'crm export <contacts|companies> [--out <file.csv>] [--filter <query string>]',
  positionals: [{ name: 'entity', choices: ENTITIES }],
  options: { out: { type: 'string', short: 'o' }, filter: { type: 'string' } },
  actAs: true,
})
export class ExportCommand implements CliCommandHandler {
  constructor(
    private readonly exports: ExportService,
    private readonly customFields: CustomFieldsService,
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyRepository,
  ) {}

  async run(args: ParsedArgs, ctx: CliCommandContext): Promise<number> {
    const entity = args.positionals[0] as ExportEntity;
    const out = args.values.out as string | undefined;
    if (out !== undefined && out.trim() === '') throw new UsageError('--out: give a file path, or - for stdout.');
    const query = exportQueryFromFilter(args.values.filter as string | undefined);
    // What GET /api/v1/<entity>/export requires (its @RequirePermission), refused with its 403.
    assertMayCall(ctx.actor, ExportController, entity);

    const toFile = out !== undefined && out !== '-';
    const csv = await this.open(ctx.actor, entity, query);
    let sink: Sink | undefined;
    let bar: Progress | undefined;
    try {
      // A bar on the terminal the CSV itself is printed on would only garble it.
      const watched = ctx.io.errIsTTY === true && (toFile || (ctx.io.stdout as { isTTY?: boolean } | undefined)?.isTTY !== true);
      // Counting costs a query: only worth it when someone watches the bar.
      const total = watched ? await this.total(ctx.actor, entity, query) : null;
      sink = toFile ? await fileSink(out) : stdoutSink(ctx);
      bar = progress({ ...ctx.io, errIsTTY: watched }, { unit: 'rows', total });
      const counter = new CsvRecordCounter();
      for await (const chunk of csv as AsyncIterable<Buffer | string>) {
        counter.push(chunk);
        await sink.write(chunk);
        bar.update(Math.max(counter.records - 1, 0));
      }
      await sink.close();
      bar.finish();
      const rows = Math.max(counter.records - 1, 0);
      if (toFile) ctx.io.out(`Exported ${rows} ${rows === 1 ? ONE[entity] : entity} to ${out}.\n`);
      return EXIT_OK;
    } catch (err) {
      // The bar's line ends where it stopped, so the error starts a line of its own.
      bar?.finish();
      csv.destroy();
      await sink?.abort();
      throw err;
    }
  }

  /** The export's stream; a filter the list parser refuses is a usage error naming --filter. */
  private async open(actor: Actor, entity: ExportEntity, query: ExportQuery): Promise<Readable> {
    try {
      return (await this.exports.csv(actor, entity, query)).stream;
    } catch (err) {
      if (err instanceof DomainError && (err.kind === 'bad_request' || err.kind === 'validation')) {
        const detail = err.errors.length ? err.errors.map((e) => `${e.field}: ${e.message}`).join('; ') : err.message;
        throw new UsageError(`--filter: ${detail}`);
      }
      throw err;
    }
  }

  /** How many rows the export will have (for the progress bar), with the export's own query parser. */
  private async total(actor: Actor, entity: ExportEntity, query: ExportQuery): Promise<number> {
    const defs = await this.customFields.shapes(entity === 'contacts' ? 'contact' : 'company');
    const parsed = parseListQueryString(listSpecWithCustomFields(entity, defs), query);
    return entity === 'contacts' ? this.contacts.count(actor, parsed) : this.companies.count(actor, parsed);
  }
}

/**
 * A file written beside its final name and renamed once complete: an export that fails half-way
 * leaves no truncated file that looks like a finished one.
 */
async function fileSink(path: string): Promise<Sink> {
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  const file: WriteStream = createWriteStream(partial, { flags: 'wx' });
  try {
    await once(file, 'open');
  } catch (err) {
    throw new UsageError(`--out: cannot write ${path} (${(err as Error).message}).`);
  }
  return {
    async write(chunk) {
      if (!file.write(chunk)) await once(file, 'drain');
    },
    async close() {
      file.end();
      await once(file, 'close');
      await rename(partial, path);
    },
    async abort() {
      file.destroy();
      await unlink(partial).catch(() => undefined);
    },
  };
}

function stdoutSink({ io }: CliCommandContext): Sink {
  const stdout = io.stdout;
  if (stdout) {
    return {
      async write(chunk) {
        if (!stdout.write(chunk)) await once(stdout, 'drain');
      },
      close: async () => undefined,
      abort: async () => undefined,
    };
  }
  const decoder = new StringDecoder('utf8');
  return {
    write: (chunk) => io.out(typeof chunk === 'string' ? chunk : decoder.write(chunk)),
    close: async () => {
      const rest = decoder.end();
      if (rest) io.out(rest);
    },
    abort: async () => undefined,
  };
}
