import * as pg from 'pg';
import { Transform, TransformCallback } from 'node:stream';
import { EntityMetadata } from 'typeorm';
import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { CsvColumn, LIST_SEPARATOR } from './csv-columns';
import { formulaFieldAt, neutralizeFormula } from './csv-formula';

const { escapeLiteral } = pg;

/**
 * The export's CSV built from `COPY (SELECT …) TO STDOUT`: Postgres formats every built-in cell
 * as text exactly as csv-columns renders it from the entity (timestamps as toISOString, lists
 * joined by `;`, numerics as the driver reads them), Node only quotes cells and joins them.
 * Custom field values travel as their JSON and go through csv-columns' own functions.
 */

/** How a column of csv-columns is read in SQL: a built-in column's text, or a custom field's JSON. */
type CellSql = (col: (property: string) => string) => string;

const text =
  (property: string): CellSql =>
  (col) =>
    col(property);
// Same instant, same digits as Date#toISOString (milliseconds truncated, as the driver's parser does).
const iso =
  (property: string): CellSql =>
  (col) =>
    `to_char(${col(property)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** What escapeListValue escapes (`;`, a line break, a backslash), as a regular expression literal of SQL. */
const LIST_SPECIAL = escapeLiteral(String.raw`[;\n\\]`);
/**
 * escapeListValue in SQL: a backslash before each backslash, `;` and line break of the text
 * `value` (backslashes first). Three replace() calls cost a third of one regexp_replace().
 */
const escapedValue = (value: string): string =>
  `replace(replace(replace(${value}, ${escapeLiteral('\\')}, ${escapeLiteral('\\\\')}), ${escapeLiteral(LIST_SEPARATOR)}, ${escapeLiteral(`\\${LIST_SEPARATOR}`)}), ${escapeLiteral('\n')}, ${escapeLiteral('\\\n')})`;
// Array#join renders a NULL element as an empty string; an empty array is an empty cell either
// way. Each element as escapeListValue writes it; an array with nothing to escape (nearly all)
// is joined as it is, without a subquery.
const joined =
  (property: string): CellSql =>
  (col) => {
    const array = col(property);
    const sep = escapeLiteral(LIST_SEPARATOR);
    const escaped = `(SELECT string_agg(${escapedValue(`coalesce(x.v, '')`)}, ${sep} ORDER BY x.n) FROM unnest(${array}) WITH ORDINALITY AS x(v, n))`;
    return `CASE WHEN array_to_string(${array}, '') ~ ${LIST_SPECIAL} THEN ${escaped} ELSE array_to_string(${array}, ${sep}, '') END`;
  };
/**
 * One key of each element of a JSON array (`emails[].email`), joined in array order; a missing
 * key is an empty string, as Array#join renders it. One or two elements (most records) are read
 * directly, longer arrays through a set-returning subquery.
 */
const joinedKey =
  (property: string, key: string): CellSql =>
  (col) => {
    const array = col(property);
    const sep = escapeLiteral(LIST_SEPARATOR);
    const at = (i: number) => escapedValue(`coalesce(${array} -> ${i} ->> ${escapeLiteral(key)}, '')`);
    const all = `(SELECT string_agg(${escapedValue(`coalesce(x.v ->> ${escapeLiteral(key)}, '')`)}, ${sep} ORDER BY x.n) FROM jsonb_array_elements(${array}) WITH ORDINALITY AS x(v, n))`;
    return `CASE jsonb_array_length(${array}) WHEN 0 THEN NULL WHEN 1 THEN ${at(0)} WHEN 2 THEN ${at(0)} || ${sep} || ${at(1)} ELSE ${all} END`;
  };

const RECORD_CELLS: Record<string, CellSql> = { ownerId: text('ownerId'), teamId: text('teamId'), createdAt: iso('createdAt'), updatedAt: iso('updatedAt') };

/** By header, for every built-in column of contactColumns() (same order). */
export const CONTACT_CELLS: Record<string, CellSql> = {
  id: text('id'),
  externalId: text('externalId'),
  firstName: text('firstName'),
  lastName: text('lastName'),
  primaryEmail: text('primaryEmail'),
  emails: joinedKey('emails', 'email'),
  primaryPhone: text('primaryPhone'),
  phones: joinedKey('phones', 'number'),
  jobTitle: text('jobTitle'),
  street: text('street'),
  city: text('city'),
  region: text('region'),
  postalCode: text('postalCode'),
  country: text('country'),
  lifecycleStage: text('lifecycleStage'),
  source: text('source'),
  tags: joined('tags'),
  companyIds: joined('companyIds'),
  ...RECORD_CELLS,
};

/** By header, for every built-in column of companyColumns() (same order). */
export const COMPANY_CELLS: Record<string, CellSql> = {
  id: text('id'),
  externalId: text('externalId'),
  name: text('name'),
  domains: joined('domains'),
  industry: text('industry'),
  employees: text('employees'),
  annualRevenue: text('annualRevenueAmount'),
  annualRevenueCurrency: text('annualRevenueCurrency'),
  street: text('street'),
  city: text('city'),
  region: text('region'),
  postalCode: text('postalCode'),
  country: text('country'),
  parentCompanyId: text('parentCompanyId'),
  tags: joined('tags'),
  ...RECORD_CELLS,
};

/** What the COPY selects and how its rows become CSV records. */
export interface CsvCopyPlan<E> {
  /** The SELECT list over the table aliased `alias`. */
  select: (alias: string) => string[];
  /** Turns COPY's text output into CSV, header first. */
  transform: () => Transform;
  columns: readonly CsvColumn<E>[];
}

/**
 * The plan for `columns` (contactColumns/companyColumns with `defs`): the built-in columns come
 * first, then the custom ones, each custom field's JSON selected once (money fills two cells).
 */
export function csvCopyPlan<E>(metadata: EntityMetadata, cells: Record<string, CellSql>, columns: readonly CsvColumn<E>[], defs: readonly CustomFieldShape[]): CsvCopyPlan<E> {
  const builtIn = columns.length - defs.reduce((n, d) => n + (d.type === 'money' ? 2 : 1), 0);
  const fixed = columns.slice(0, builtIn);
  for (const c of fixed) if (!cells[c.header]) throw new Error(`CSV export: no SQL for the column ${c.header}`);
  const custom = columns.slice(builtIn);
  const customFields = metadata.findColumnWithPropertyName('customFields');
  if (defs.length && !customFields) throw new Error(`CSV export: ${metadata.name} has no custom fields`);
  const select = (alias: string): string[] => {
    const col = (property: string): string => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`CSV export: ${metadata.name} has no column ${property}`);
      return `"${alias}"."${column.databaseName}"`;
    };
    return [
      ...fixed.map((c) => (cells[c.header] as CellSql)(col)),
      ...defs.map((d) => `(${col('customFields')} -> ${escapeLiteral(d.key)})::text`),
    ];
  };
  const header = `${columns.map((c) => csvCell(c.header)).join(',')}\r\n`;
  const keys = defs.map((d) => d.key);
  return { select, columns, transform: () => new CopyToCsv<E>(header, fixed.length, keys, custom) };
}

/** Characters that make csv-stringify (as the export configures it) quote a cell. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * A cell as the export has always written it: RFC 4180 quoting, outer spaces quoted too; a value
 * a spreadsheet would run as a formula is written as text (csv-formula.ts).
 */
function csvCell(raw: string): string {
  const value = neutralizeFormula(raw);
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** A field of COPY's text format: backslash escapes undone. */
function copyField(raw: string): string {
  return raw.indexOf('\\') < 0 ? raw : raw.replace(/\\(.)/g, (_, c: string) => COPY_ESCAPES[c] ?? c);
}

const NEWLINE = 0x0a;

/**
 * UTF-8 bytes seen one character per byte (latin1): decoding and encoding that view costs next
 * to nothing, and the ASCII delimiters and escapes appear in it as themselves (no byte of a
 * multibyte character is below 0x80). Only rows that need quoting are decoded for real.
 */
const bytesOf = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
const textOf = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

// The first and last bytes of the characters `\s` matches that COPY leaves unescaped (tab, CR, LF,
// VT and FF come as backslash escapes): space, U+00A0 (C2 A0), U+1680 (E1 9A 80), U+2000–U+200A
// (E2 80 80–8A), U+2028/U+2029 (E2 80 A8/A9), U+202F (E2 80 AF), U+205F (E2 81 9F), U+3000
// (E3 80 80), U+FEFF (EF BB BF). Other characters may match too: they only take the exact path.
const mayStartSpace = (b: number): boolean => b === 0x20 || b === 0xc2 || b === 0xe1 || b === 0xe2 || b === 0xe3 || b === 0xef;
const mayEndSpace = (b: number): boolean => b === 0x20 || (b >= 0x80 && b <= 0x8a) || b === 0x9f || b === 0xa0 || b === 0xa8 || b === 0xa9 || b === 0xaf || b === 0xbf;

/**
 * Whether no field of a COPY row (latin1 view) needs unescaping, quoting or neutralizing, so that
 * its CSV line is the row with commas for tabs. Conservative: a row it refuses goes through csvCell.
 */
function plainRow(row: string): boolean {
  if (row.includes('"') || row.includes(',') || row.includes('\\')) return false;
  const n = row.length;
  if (n && (mayStartSpace(row.charCodeAt(0)) || mayEndSpace(row.charCodeAt(n - 1)) || formulaFieldAt(row, 0))) return false;
  for (let p = row.indexOf('\t'); p >= 0; p = row.indexOf('\t', p + 1)) {
    if (p > 0 && mayEndSpace(row.charCodeAt(p - 1))) return false;
    if (p + 1 < n && (mayStartSpace(row.charCodeAt(p + 1)) || formulaFieldAt(row, p + 1))) return false;
  }
  return true;
}

/** The CSV cells of COPY fields (real text): unescaped, quoted where needed, NULL and '' empty. */
function exactCells(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i) line += ',';
    if (fields[i] !== '') line += csvCell(copyField(fields[i]));
  }
  return line;
}

/**
 * COPY text rows (fields split by tabs, one row per LF; an LF or tab inside a value is escaped, so
 * raw ones only delimit; NULL written as an empty field, which the CSV renders like an empty
 * string anyway, and no JSON text is empty) → CSV records. Chunks split anywhere: the bytes after
 * the last LF wait for the next chunk, so multibyte characters are never cut.
 */
class CopyToCsv<E> extends Transform {
  private rest: Buffer | null = null;

  constructor(
    header: string,
    private readonly fixedCount: number,
    private readonly customKeys: readonly string[],
    private readonly customColumns: readonly CsvColumn<E>[],
  ) {
    super({ readableHighWaterMark: 256 * 1024 });
    this.push(header);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const end = buf.lastIndexOf(NEWLINE);
    if (end < 0) {
      this.rest = buf;
      return done();
    }
    this.rest = end + 1 < buf.length ? Buffer.from(buf.subarray(end + 1)) : null;
    try {
      done(null, Buffer.from(this.records(buf.toString('latin1', 0, end)), 'latin1'));
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.rest?.length) return done(new Error('CSV export: the database sent an incomplete row'));
    done();
  }

  /** Rows in the latin1 view → CSV records in the same view, each ended by CRLF. */
  private records(rows: string): string {
    const out: string[] = [];
    const custom = this.customKeys.length > 0;
    for (const row of rows.split('\n')) {
      let fixed = row;
      let rest: string | null = null;
      if (custom) {
        let p = -1;
        for (let i = 0; i < this.fixedCount; i++) {
          p = row.indexOf('\t', p + 1);
          if (p < 0) throw new Error('CSV export: a row has fewer fields than columns');
        }
        fixed = row.slice(0, p);
        rest = row.slice(p + 1);
      }
      let line = plainRow(fixed) ? fixed.replace(/\t/g, ',') : bytesOf(exactCells(textOf(fixed).split('\t')));
      if (rest !== null) line += bytesOf(this.customCells(textOf(rest).split('\t')));
      out.push(line);
    }
    out.push('');
    return out.join('\r\n');
  }

  /** The custom columns' cells (each after a comma), from each field's JSON, through csv-columns' own rendering. */
  private customCells(fields: readonly string[]): string {
    if (fields.length !== this.customKeys.length) throw new Error('CSV export: a row has more fields than columns');
    const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.customKeys.forEach((key, i) => {
      if (fields[i] !== '') values[key] = JSON.parse(copyField(fields[i])) as unknown;
    });
    const record = { customFields: values } as unknown as E;
    let cells = '';
    for (const column of this.customColumns) {
      const value = column.value(record);
      cells += value ? `,${csvCell(value)}` : ',';
    }
    return cells;
  }
}

const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }).utils;

/**
 * `sql` with its positional parameters written in as literals, for COPY, which takes none. Each
 * value goes through the driver's own conversion (arrays, dates, JSON), then escapeLiteral; an
 * untyped literal is resolved by Postgres from its context exactly like an untyped parameter.
 * Placeholders are replaced outside quoted identifiers and string literals only.
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  return sql.replace(/[Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (token: string, n: string | undefined) => {
    if (n === undefined) return token;
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`CSV export: the statement has no parameter $${n}`);
    const value = prepareValue(params[index]);
    if (value === null) return 'NULL';
    return escapeLiteral(Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : value);
  });
}
