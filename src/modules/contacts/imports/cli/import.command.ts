import { Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Actor } from '../../../../platform/access/actor';
import { DomainError } from '../../../../platform/errors/domain-error';
import { CliCommand, CliCommandContext, CliCommandHandler, EXIT_FAILURE, EXIT_OK, ParsedArgs, UsageError } from '../../../../platform/ops/cli/cli-command';
import { progress } from '../../../../platform/ops/cli/progress';
import { CustomFieldsService } from '../../application/custom-fields.service';
import { ImportsController } from '../api/imports.controller';
import { ImportReport } from '../application/import-report';
import { ImportRunner } from '../application/import-runner';
import { ImportsService } from '../application/imports.service';
import { CsvInput, fileInput, readHeader } from '../application/csv-source';
import { checkMapping } from '../application/mapping-check';
import { DATE_FORMATS, DELIMITERS, IMPORT_MODES, ImportOptions, LIST_SEPARATORS, MATCH_BY, parseImportOptions } from '../domain/import-options';
import { ImportsRepository } from '../persistence/imports.repository';
import { CsvRecordCounter } from './csv-records';
import { assertMayCall } from './route-permission';

const ENTITIES = ['contacts', 'companies'] as const;
const ONE: Record<(typeof ENTITIES)[number], 'contact' | 'company'> = { contacts: 'contact', companies: 'company' };
/** Request fields → the flags that set them, so a refused value names the flag. */
const FLAG_OF: Record<string, string> = { mapping: '--mapping', mode: '--mode', matchBy: '--match-by', dateFormat: '--date-format', delimiter: '--delimiter', listSeparator: '--list-separator', entity: '<entity>', file: '<file>' };

/** The run completed but some rows failed (they are listed): not a success a script may take for granted. */
export const EXIT_ROW_ERRORS = 3;

/** A refusal of the request's values (a 400) as a usage error, one line per field, each naming its flag. */
function usageError(err: DomainError): UsageError {
  if (!err.errors.length) return new UsageError(err.message);
  return new UsageError(err.errors.map((e) => `${FLAG_OF[e.field.split('.')[0]] ?? e.field}: ${e.field.includes('.') ? `${e.field} ` : ''}${e.message}`).join('\n'));
}

const isRefusal = (err: unknown): err is DomainError => err instanceof DomainError && (err.kind === 'bad_request' || err.kind === 'validation');

/** Data rows of a CSV file (records less the header): the total of the progress bar. */
async function countRows(file: string): Promise<number> {
  const counter = new CsvRecordCounter();
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) counter.push(chunk as Buffer);
  return Math.max(counter.records - 1, 0);
}

const summary = (r: ImportReport, dry: boolean) =>
  `${dry ? 'Dry run: would create' : 'Created'} ${r.created}, ${dry ? 'update' : 'updated'} ${r.updated}, ${r.unchanged ? `${r.unchanged} unchanged, ` : ''}skip${dry ? '' : 'ped'} ${r.skipped}, ${r.failed} failed, of ${r.rows} rows.\n` +
  r.errors.map((e) => `  row ${e.row}, ${e.column}: ${e.message}\n`).join('') +
  (r.errorsTruncated ? '  (more errors not listed)\n' : '');

/**
 * `crm import`: the import of `POST /api/v1/imports`, run in this process on a local file with the
 * same code as the job (batches, resumable counters, revertible through the API), with a
 * progress bar on stderr. Acts as `--as` (their scope matches and owns what is created), or as
 * the system.
 */
@Injectable()
@CliCommand({
  name: 'import',
  summary: 'Import contacts or companies from a CSV file (as POST /api/v1/imports does), with a progress bar',
  usage:
    'crm import <contacts|companies> <file.csv> --mapping <mapping.json> [--mode create|update|upsert] [--match-by email|externalId] [--date-format iso|dmy] [--delimiter auto|,|;] [--list-separator <; , or |>] [--dry-run]',
  details: [
    'Exit codes:',
    '  0  every row imported (or, with --dry-run, would be)',
    '  1  the run failed (an import that failed after committing rows can be reverted)',
    '  2  usage: a bad flag, a file or mapping that does not fit, or --as a user who may not import',
    `  ${EXIT_ROW_ERRORS}  the run completed, but some rows failed (they are listed; with --dry-run: would fail)`,
  ].join('\n'),
  positionals: [{ name: 'entity', choices: ENTITIES }, { name: 'file' }],
  options: {
    mapping: { type: 'string' },
    mode: { type: 'string' },
    'match-by': { type: 'string' },
    'date-format': { type: 'string' },
    delimiter: { type: 'string' },
    'list-separator': { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  actAs: true,
})
export class ImportCommand implements CliCommandHandler {
  constructor(
    private readonly imports: ImportsService,
    private readonly runner: ImportRunner,
    private readonly records: ImportsRepository,
    private readonly customFields: CustomFieldsService,
  ) {}

  async run(args: ParsedArgs, ctx: CliCommandContext): Promise<number> {
    const [entity, file] = args.positionals as [(typeof ENTITIES)[number], string];
    const mappingFile = args.values.mapping;
    if (typeof mappingFile !== 'string' || !mappingFile) throw new UsageError('--mapping: give a JSON file of CSV column → field.');
    let mapping: string;
    try {
      mapping = await readFile(mappingFile, 'utf8');
    } catch (err) {
      throw new UsageError(`--mapping: cannot read ${mappingFile} (${(err as Error).message}).`);
    }
    let bytes: number;
    try {
      bytes = (await stat(file)).size;
    } catch (err) {
      throw new UsageError(`<file>: cannot read ${file} (${(err as Error).message}).`);
    }
    const dryRun = args.values['dry-run'] === true;
    const fields: Record<string, unknown> = { entity: ONE[entity], mapping, dryRun: dryRun ? 'true' : 'false' };
    const flags: [string, string, readonly string[]][] = [
      ['mode', 'mode', IMPORT_MODES],
      ['match-by', 'matchBy', MATCH_BY],
      ['date-format', 'dateFormat', DATE_FORMATS],
      ['delimiter', 'delimiter', DELIMITERS],
      ['list-separator', 'listSeparator', LIST_SEPARATORS],
    ];
    for (const [flag, field] of flags) if (typeof args.values[flag] === 'string') fields[field] = args.values[flag];
    let opts;
    try {
      opts = parseImportOptions(fields);
    } catch (err) {
      if (err instanceof DomainError) throw usageError(err);
      throw err;
    }
    this.assertMayImport(ctx.actor, opts, args.values.as);
    const input = fileInput(file);
    await this.checkFile(input, opts);
    const exitCode = (r: ImportReport) => (r.failed > 0 ? EXIT_ROW_ERRORS : EXIT_OK);
    if (dryRun) {
      const report = await this.imports.dryRun(ctx.actor, input, opts);
      ctx.io.out(summary(report, true));
      return exitCode(report);
    }
    const total = ctx.io.errIsTTY ? await countRows(file) : null;
    const record = await this.imports.startLocal(ctx.actor, { name: file.split(/[\\/]/).pop() ?? null, bytes, input }, opts);
    const bar = progress(ctx.io, { unit: 'rows', total });
    let committed = 0;
    try {
      const out = await this.runner.run(record, ctx.actor, opts, input, async (done) => {
        committed = done;
        bar.update(done);
      });
      await this.runner.complete(record.id);
      bar.update(out.report.rows);
      bar.finish();
      ctx.io.out(`Import ${record.id}\n${summary(out.report, false)}`);
      return exitCode(out.report);
    } catch (err) {
      bar.finish();
      await this.records.fail(record.id, err instanceof DomainError ? err.message : 'The import stopped because of an internal error.', ['running']);
      const when = committed > 0 ? `after committing ${committed} row${committed === 1 ? '' : 's'} (revert it to undo them)` : 'before committing any row';
      ctx.io.err(`Import ${record.id} failed ${when}: ${(err as Error).message}\n`);
      return EXIT_FAILURE;
    }
  }

  /**
   * What `POST /api/v1/imports` requires of its caller, before anything is read or written: the
   * route's own permission (imports: create) and the service's (create and/or update of the
   * entity, by mode). A refusal is a usage error naming `--as`.
   */
  private assertMayImport(actor: Actor, opts: ImportOptions, as: string | boolean | undefined): void {
    try {
      assertMayCall(actor, ImportsController, 'create');
      this.imports.assertMayImport(actor, opts);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'forbidden') throw new UsageError(`${typeof as === 'string' ? `--as ${as}: ` : ''}${err.message}`);
      throw err;
    }
  }

  /**
   * The file's header against the mapping, as the API checks an upload before recording the
   * import: a mapping that does not fit (or a file without a readable header) is a usage error
   * naming the column, and nothing is created.
   */
  private async checkFile(input: CsvInput, opts: ImportOptions): Promise<void> {
    try {
      checkMapping(opts, await readHeader(input, opts.delimiter), await this.customFields.shapes(opts.entity));
    } catch (err) {
      if (isRefusal(err)) throw usageError(err);
      throw err;
    }
  }
}
