import { isEmail, isISO31661Alpha2, isISO4217CurrencyCode } from 'class-validator';
import { applyCustomValues, CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { FieldError } from '../../../../platform/errors/domain-error';
import { CompanyInput, DOMAIN } from '../../application/companies.service';
import { contactData, ContactData, ContactInput } from '../../application/contact-input';
import { LIFECYCLE_STAGES } from '../../domain/contact.types';
import { normalizeDomain, normalizeEmail, normalizePhone } from '../../domain/normalize';
import { columnName, DateFormat, ImportOptions, ListSeparator, Target } from '../domain/import-options';
import { RowError } from '../domain/import-status';
import { CsvRow } from './csv-source';

/** One problem of one row, named by the CSV column it comes from (or the field, when no column feeds it). */
export type { RowError };

export interface MappedContact {
  row: number;
  data: ContactData;
  /** Normalized emails, what `matchBy: email` compares. */
  emailKeys: string[];
  externalId: string | null;
  /**
   * Phone cells of a row without a country that only the matched record's stored country can
   * read (national numbers, on update or upsert): the batch writer normalizes them once it knows
   * the match, as PATCH /contacts reads them with the stored country. `data` then has no phones.
   */
  pendingPhones: string[] | null;
}

export interface MappedCompany {
  row: number;
  input: CompanyInput;
}

/** By list separator: the separator, or a line break (a cell a spreadsheet wrapped). */
const LIST_SPLIT: Record<ListSeparator, RegExp> = { ';': /[;\n]/, ',': /[,\n]/, '|': /[|\n]/ };
const DMY = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/;
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/;
const COUNTRY_CODE = 'must be an ISO 3166-1 alpha-2 code';
const MAX_EMPLOYEES = 2_147_483_647;
const MAX_EXTERNAL_ID = 200;
const CONTACT_LENGTHS: [string, number][] = [
  ['firstName', 100],
  ['lastName', 100],
  ['jobTitle', 200],
  ['street', 200],
  ['city', 100],
  ['region', 100],
  ['postalCode', 20],
  ['source', 100],
];

/** The values of a list cell; `;` (what the export writes) unless the import declares another separator. */
export const splitList = (cell: string, separator: ListSeparator = ';'): string[] =>
  cell
    .split(LIST_SPLIT[separator])
    .map((s) => s.trim())
    .filter(Boolean);

const DATE_FORMAT_NAMES: Record<DateFormat, string> = { iso: 'YYYY-MM-DD', dmy: 'DD.MM.YYYY, day first' };
/** What the custom-field check says of a bad date, and what an import says instead: the format the import declared. */
const BAD_DATE = 'must be a date (YYYY-MM-DD)';

/** A day-first or ISO date as YYYY-MM-DD; anything else is left for the field's own check to refuse. */
export function toIsoDate(cell: string, format: DateFormat): string {
  const v = cell.trim();
  if (format === 'dmy') {
    const m = DMY.exec(v);
    return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : v;
  }
  return ISO_DATE.exec(v)?.[1] ?? v;
}

/**
 * A number cell as a plain decimal, tolerating what spreadsheets write: spaces and thousands
 * separators (`1.234,50`, `1,234.50`, `1 234`), and a lone decimal comma (`7,5`, common in the
 * `;`-separated files of European locales).
 */
export function decimalText(cell: string): string {
  let v = cell.trim().replace(/[\s']/g, '');
  const lastDot = v.lastIndexOf('.');
  const lastComma = v.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) {
    const [thousands, decimal] = lastComma > lastDot ? [/\./g, ','] : [/,/g, '.'];
    v = v.replace(thousands, '').replace(decimal, '.');
  } else if (lastComma >= 0) {
    v = v.indexOf(',') === lastComma ? v.replace(',', '.') : v.replace(/,/g, '');
  } else if (lastDot >= 0 && v.indexOf('.') !== lastDot) {
    v = v.replace(/\./g, '');
  }
  return v;
}

/** Turns a cell into the JSON value the custom field's check expects. */
function customValue(def: CustomFieldShape, cell: string, dateFormat: DateFormat, separator: ListSeparator): unknown {
  switch (def.type) {
    case 'number': {
      const text = decimalText(cell);
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    }
    case 'boolean': {
      const v = cell.trim().toLowerCase();
      return ['true', 'yes', '1', 'y'].includes(v) ? true : ['false', 'no', '0', 'n'].includes(v) ? false : v;
    }
    case 'date':
      return toIsoDate(cell, dateFormat);
    case 'multiselect':
      return splitList(cell, separator);
    case 'money': {
      const m = /^([A-Za-z]{3})?\s*(-?[\d\s.,]+?)\s*([A-Za-z]{3})?$/.exec(cell.trim());
      return { amount: decimalText(m?.[2] ?? cell), currency: (m?.[3] ?? m?.[1] ?? '').toUpperCase() };
    }
    default:
      return cell.trim();
  }
}

/** Field (built-in, or `customFields.<key>[.currency]`) → the CSV column feeding it, computed once per mapping (every row reads it). */
const FIELD_COLUMNS = new WeakMap<ReadonlyMap<string, Target>, Map<string, string>>();
function fieldColumnsOf(mapping: ReadonlyMap<string, Target>): ReadonlyMap<string, string> {
  let out = FIELD_COLUMNS.get(mapping);
  if (!out) {
    out = new Map();
    for (const [column, target] of mapping) {
      const key = target.kind === 'field' ? target.field : `customFields.${target.key}${target.kind === 'currency' ? '.currency' : ''}`;
      if (!out.has(key)) out.set(key, column);
    }
    FIELD_COLUMNS.set(mapping, out);
  }
  return out;
}

/** An external id cell, trimmed; too long is an error of the row. */
function externalIdOf(r: RowReader): string | null {
  const value = r.field('externalId')?.trim();
  if (!value) return null;
  if (value.length > MAX_EXTERNAL_ID) r.report([{ field: 'externalId', message: `must be at most ${MAX_EXTERNAL_ID} characters` }]);
  return value;
}

/**
 * Reads a row through the mapping: the built-in cells by target and the custom values. A blank
 * cell means "no value": on update it leaves the field as it is (imports never clear by omission).
 */
class RowReader {
  readonly errors: RowError[] = [];
  private readonly fieldColumns: ReadonlyMap<string, string>;

  constructor(
    private readonly row: CsvRow,
    private readonly mapping: ReadonlyMap<string, Target>,
    private readonly defs: readonly CustomFieldShape[],
    private readonly dateFormat: DateFormat,
    readonly separator: ListSeparator,
  ) {
    this.fieldColumns = fieldColumnsOf(mapping);
  }

  field(name: string): string | undefined {
    const column = this.fieldColumns.get(name);
    if (column === undefined) return undefined;
    const cell = this.row.cells.get(column);
    return cell === undefined || cell.trim() === '' ? undefined : cell;
  }

  customFields(): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    const currencies = new Map<string, string>();
    for (const [column, target] of this.mapping) {
      if (target.kind === 'field') continue;
      const cell = this.row.cells.get(column)?.trim();
      if (!cell) continue;
      if (target.kind === 'currency') {
        currencies.set(target.key, cell.toUpperCase());
        continue;
      }
      const def = this.defs.find((d) => d.key === target.key);
      out[target.key] = def ? customValue(def, cell, this.dateFormat, this.separator) : cell;
    }
    for (const [key, currency] of currencies) {
      const money = out[key] as { amount: string; currency: string } | undefined;
      if (money && typeof money === 'object') money.currency = currency;
    }
    return Object.keys(out).length ? out : undefined;
  }

  /** Field errors of the domain checks (`emails[0].email`, `customFields.score`) named by their CSV column. */
  report(errors: readonly FieldError[]): void {
    for (const e of errors) {
      const message = e.message === BAD_DATE ? `must be a date (${DATE_FORMAT_NAMES[this.dateFormat]})` : e.message;
      const path = e.field.startsWith('customFields.') ? e.field : e.field.split(/[.[]/)[0];
      const columns = this.fieldColumns;
      // `customFields.<key>.currency` without a currency column of its own: the money column carries it.
      const column =
        columns.get(path) ?? (path.startsWith('customFields.') ? columns.get(path.split('.').slice(0, 2).join('.')) : undefined) ?? columns.get(path.replace(/s$/, '')) ?? columns.get(`${path}s`);
      this.errors.push({ row: this.row.row, column: column === undefined ? e.field : columnName(this.mapping, column), message });
    }
  }
}

/** A contact row as the columns of a new contact, checked like `POST /contacts` (duplicates aside). */
export function mapContactRow(row: CsvRow, opts: ImportOptions, defs: readonly CustomFieldShape[]): { contact: MappedContact | null; errors: RowError[] } {
  const r = new RowReader(row, opts.mapping, defs, opts.dateFormat, opts.listSeparator);
  const emailCells: [field: string, email: string][] = [
    ...(r.field('email') ? [['email', (r.field('email') as string).trim()] as [string, string]] : []),
    ...splitList(r.field('emails') ?? '', r.separator).map((e): [string, string] => ['emails', e]),
  ];
  const emails = emailCells.map(([, e]) => e);
  const phones = [...(r.field('phone') ? [r.field('phone') as string] : []), ...splitList(r.field('phones') ?? '', r.separator)];
  const country = r.field('country')?.trim();
  // Update and upsert read a national number with the matched record's country, as PATCH does:
  // known only once the batch is matched, so the writer reads these numbers then.
  const pendingPhones = opts.mode !== 'create' && !country && phones.some((p) => !normalizePhone(p, null)) ? phones : null;
  const seen = new Set<string>();
  // The rule of the request DTO of POST /contacts. The message never quotes the cell: the report
  // outlives the person's erasure (a failed row is linked to no contact), so it names the
  // column and the position in a list, not the address.
  const listed = emailCells.filter(([field]) => field === 'emails').length;
  emailCells.forEach(([field, email], i) => {
    if (isEmail(email)) return;
    const position = field === 'emails' && listed > 1 ? `entry ${i - (emailCells.length - listed) + 1} ` : '';
    r.report([{ field, message: `${position}is not an email address` }]);
  });
  const uniqueEmails = emails.filter((e) => {
    const key = normalizeEmail(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const externalId = externalIdOf(r);
  const input: ContactInput = {
    ...(externalId ? { externalId } : {}),
    firstName: r.field('firstName') ?? null,
    lastName: r.field('lastName') ?? null,
    emails: uniqueEmails.map((email, i) => ({ email, primary: i === 0 })),
    ...(pendingPhones ? {} : { phones: phones.map((number, i) => ({ number, primary: i === 0 })) }),
    jobTitle: r.field('jobTitle') ?? null,
    address: { street: r.field('street'), city: r.field('city'), region: r.field('region'), postalCode: r.field('postalCode'), country },
    lifecycleStage: r.field('lifecycleStage')?.trim().toLowerCase() ?? null,
    source: r.field('source') ?? null,
    tags: splitList(r.field('tags') ?? '', r.separator),
    customFields: r.customFields(),
  };
  const { data, errors } = contactData(input, null, defs, new Set(), new Map());
  r.report(errors);
  // What the request DTO of POST /contacts checks before contactData sees the input.
  for (const [field, max] of CONTACT_LENGTHS) {
    const value = r.field(field)?.trim();
    if (value && value.length > max) r.report([{ field, message: `must be at most ${max} characters` }]);
  }
  // The check of the API's AddressDto (an assigned code, not any two letters).
  if (data.country && !isISO31661Alpha2(data.country)) r.report([{ field: 'country', message: COUNTRY_CODE }]);
  if (input.lifecycleStage && !(LIFECYCLE_STAGES as readonly string[]).includes(input.lifecycleStage)) {
    r.report([{ field: 'lifecycleStage', message: `must be one of ${LIFECYCLE_STAGES.join(', ')}` }]);
  }
  return { contact: r.errors.length ? null : { row: row.row, data, emailKeys: data.emailKeys ?? [], externalId, pendingPhones }, errors: r.errors };
}

/** A company row as the input of `POST /companies`, with the checks that need no database. */
export function mapCompanyRow(row: CsvRow, opts: ImportOptions, defs: readonly CustomFieldShape[]): { company: MappedCompany | null; errors: RowError[] } {
  const r = new RowReader(row, opts.mapping, defs, opts.dateFormat, opts.listSeparator);
  const fail = (field: string, message: string) => r.report([{ field, message }]);
  const name = r.field('name')?.trim();
  if (!name) fail('name', 'is required');
  else if (name.length > 200) fail('name', 'must be at most 200 characters');
  const domains = [...new Set([...(r.field('domain') ? [r.field('domain') as string] : []), ...splitList(r.field('domains') ?? '', r.separator)].map(normalizeDomain).filter(Boolean))];
  // The rule of POST /companies.
  for (const d of domains) if (!DOMAIN.test(d)) fail(r.field('domains') !== undefined ? 'domains' : 'domain', `${JSON.stringify(d.slice(0, 80))} is not a domain name`);
  const externalId = externalIdOf(r);
  let employees: number | null = null;
  const employeesCell = r.field('employees');
  if (employeesCell !== undefined) {
    const text = employeesCell.trim().replace(/[\s.,']/g, '');
    if (!/^\d{1,10}$/.test(text) || +text > MAX_EMPLOYEES) fail('employees', 'must be a whole number');
    else employees = +text;
  }
  const amount = r.field('annualRevenue');
  const currency = r.field('annualRevenueCurrency')?.trim().toUpperCase();
  let annualRevenue: CompanyInput['annualRevenue'] = null;
  if (amount !== undefined) {
    const text = decimalText(amount);
    if (!/^-?\d{1,15}(\.\d{1,4})?$/.test(text)) fail('annualRevenue', 'must be a decimal number');
    else if (!currency || !/^[A-Z]{3}$/.test(currency) || !isISO4217CurrencyCode(currency)) fail('annualRevenueCurrency', 'must be an ISO 4217 code such as "EUR"');
    else annualRevenue = { amount: text, currency };
  }
  const country = r.field('country')?.trim().toUpperCase();
  if (country !== undefined && !isISO31661Alpha2(country)) fail('country', COUNTRY_CODE);
  const customFields = r.customFields();
  r.report(applyCustomValues(defs, {}, customFields, true).problems);
  const input: CompanyInput = {
    ...(externalId ? { externalId } : {}),
    name,
    domains,
    industry: r.field('industry')?.trim() ?? null,
    employees,
    annualRevenue,
    address: { street: r.field('street')?.trim(), city: r.field('city')?.trim(), region: r.field('region')?.trim(), postalCode: r.field('postalCode')?.trim(), country },
    tags: splitList(r.field('tags') ?? '', r.separator),
    customFields,
  };
  return { company: r.errors.length ? null : { row: row.row, input }, errors: r.errors };
}
