import { isEmail, isISO31661Alpha2, isISO4217CurrencyCode } from 'class-validator';
import { applyCustomValues, checkCustomValue, CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
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
  /**
   * What the row lacks to create a record (a name, a required custom field), on update and
   * upsert: the batch writer reports these once the row turns out to create (ImportBatchWriter.decide).
   */
  createOnly: RowError[];
}

export interface MappedCompany {
  row: number;
  input: CompanyInput;
  /**
   * What the row lacks to create a record (a name, a required custom field), on update and
   * upsert: the batch writer reports these once the row turns out to create (ImportBatchWriter.decide).
   */
  createOnly: RowError[];
}

/** By list separator: the separator, or a line break (a cell a spreadsheet wrapped). */
const LIST_SPLIT: Record<ListSeparator, RegExp> = { ';': /[;\n]/, ',': /[,\n]/, '|': /[|\n]/ };
const DMY = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/;
const COUNTRY_CODE = 'must be an ISO 3166-1 alpha-2 code';
/** The bounds of UpdateCompanyDto.employees, and its messages. */
const MAX_EMPLOYEES = 10_000_000;
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
/** The @MaxLength of CreateCompanyDto / AddressDto, which are the lengths of the columns (a longer value failed the whole batch in SQL). */
const COMPANY_LENGTHS: [string, number][] = [
  ['name', 200],
  ['industry', 100],
  ['street', 200],
  ['city', 100],
  ['region', 100],
  ['postalCode', 20],
];

/**
 * The values of a list cell; `;` (what the export writes) unless the import declares another
 * separator. A backslash takes the separator, a line break or itself as part of the value
 * (`a\;b;c` is `a;b` and `c`: what the export writes for a value holding `;`, see
 * escapeListValue); before any other character it is an ordinary character, so a plain
 * `C:\temp` stays as it is.
 */
export function splitList(cell: string, separator: ListSeparator = ';'): string[] {
  if (!cell.includes('\\')) {
    return cell
      .split(LIST_SPLIT[separator])
      .map((s) => s.trim())
      .filter(Boolean);
  }
  const values: string[] = [];
  let value = '';
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i];
    const next = cell[i + 1];
    if (c === '\\' && (next === separator || next === '\\' || next === '\n')) {
      value += next;
      i++;
    } else if (c === separator || c === '\n') {
      values.push(value);
      value = '';
    } else value += c;
  }
  values.push(value);
  return values.map((s) => s.trim()).filter(Boolean);
}

const DATE_FORMAT_NAMES: Record<DateFormat, string> = { iso: 'YYYY-MM-DD', dmy: 'DD.MM.YYYY, day first' };
/** What the custom-field check says of a bad date, and what an import says instead: the format the import declared. */
const BAD_DATE = 'must be a date (YYYY-MM-DD)';

/**
 * A day-first date as YYYY-MM-DD; an ISO cell as it is. Anything else is left for the field's
 * own check to refuse: a timestamp (`2024-12-31T01:00:00+03:00`) too, as POST /contacts refuses
 * it. Its date part is not its date in every zone (that one is 2024-12-30 in UTC), and a
 * migration must not shift a date silently: the row says which column to fix.
 */
export function toIsoDate(cell: string, format: DateFormat): string {
  const v = cell.trim();
  if (format === 'dmy') {
    const m = DMY.exec(v);
    return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : v;
  }
  return v;
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
      // The currency before or after the amount, of any length: `12 EURO` is a wrong currency, not a wrong amount.
      const m = /^([A-Za-z]+)?\s*(-?[\d\s.,']+?)\s*([A-Za-z]+)?$/.exec(cell.trim());
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

/**
 * Phone cells of a row, each number once: a repeat is dropped, as repeated emails and domains
 * are, so the first mapped (the primary) keeps its place. The export writes the primary phone in
 * `primaryPhone` and again in `phones`; mapped back to `phone` and `phones`, it is one number.
 * Compared as the number each reads as with `country`; a cell that cannot be read yet (a national
 * number waiting for the matched record's country) by its digits.
 */
export function uniquePhones(cells: readonly string[], country: string | null | undefined): string[] {
  const seen = new Set<string>();
  return cells.filter((cell) => {
    const key = normalizePhone(cell, country ? country.toUpperCase() : null) ?? `?${cell.replace(/[\s().\-/]/g, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A required custom field the row gives no (valid) value for. */
const missingRequired = (defs: readonly CustomFieldShape[], values: Record<string, unknown> | null | undefined): FieldError[] =>
  defs.filter((d) => d.required && (values?.[d.key] === undefined || values[d.key] === null)).map((d) => ({ field: `customFields.${d.key}`, message: 'is required' }));

/** What contactData says of a new contact with neither name nor email. */
const CONTACT_NEEDS = 'a contact needs a first name, a last name or an email';

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
    for (const def of this.defs) {
      const money = out[def.key] as { amount: string; currency: string } | undefined;
      if (def.type !== 'money' || !money || typeof money !== 'object') continue;
      const field = `customFields.${def.key}.currency`;
      const column = currencies.get(def.key);
      // Two currencies for one amount (`10 USD` in the amount cell, EUR in the currency column):
      // neither is taken for the other, since storing 10 EUR for 10 USD would be silently wrong.
      if (column !== undefined && money.currency && money.currency !== column) {
        this.report([{ field, message: 'differs from the currency given with the amount' }]);
        delete out[def.key];
      } else if (column !== undefined) money.currency = column;
      else if (money.currency) {
        // The currency of the amount cell (`12 EURO`): a wrong one is named by that cell's column, even when a (blank) currency column is mapped.
        const checked = checkCustomValue(def, money);
        if (!checked.ok && checked.at === 'currency') {
          this.report([{ field: `customFields.${def.key}`, message: checked.message }]);
          delete out[def.key];
        }
      } else {
        // No currency at all: say so, rather than call a blank cell a bad ISO 4217 code.
        const message = this.fieldColumns.has(field) ? 'is required with an amount' : 'needs its currency, such as "1234.50 EUR", or a currency column';
        this.report([{ field, message }]);
        delete out[def.key];
      }
    }
    return Object.keys(out).length ? out : undefined;
  }

  /** Field errors of the domain checks (`emails[0].email`, `customFields.score`) named by their CSV column. */
  report(errors: readonly FieldError[]): void {
    this.errors.push(...this.named(errors));
  }

  /** Field errors as row errors (see report), without adding them to the row's errors. */
  named(errors: readonly FieldError[]): RowError[] {
    return errors.map((e) => {
      const message = e.message === BAD_DATE ? `must be a date (${DATE_FORMAT_NAMES[this.dateFormat]})` : e.message;
      const path = e.field.startsWith('customFields.') ? e.field : e.field.split(/[.[]/)[0];
      const columns = this.fieldColumns;
      // `customFields.<key>.currency` without a currency column of its own: the money column carries it.
      const column =
        columns.get(path) ?? (path.startsWith('customFields.') ? columns.get(path.split('.').slice(0, 2).join('.')) : undefined) ?? columns.get(path.replace(/s$/, '')) ?? columns.get(`${path}s`);
      return { row: this.row.row, column: column === undefined ? e.field : columnName(this.mapping, column), message };
    });
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
  const country = r.field('country')?.trim();
  const phones = uniquePhones([...(r.field('phone') ? [r.field('phone') as string] : []), ...splitList(r.field('phones') ?? '', r.separator)], country);
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
  // The requirements of a new contact (a name or an email, the required custom fields) are
  // contactData's checks of a create. Update and upsert only learn whether a row creates once it
  // is matched: a matched row is checked like PATCH (a blank cell keeps the stored value, so it
  // can never miss a requirement), and the batch writer refuses a row that would create while
  // missing one (MappedContact.createOnly). Mode create has every row create: refused now.
  const requirements: FieldError[] = [
    ...(!data.firstName && !data.lastName && !data.emails?.length ? [{ field: 'firstName', message: CONTACT_NEEDS }] : []),
    ...missingRequired(defs, data.customFields),
  ];
  const deferred = opts.mode === 'create' ? [] : requirements;
  r.report(errors.filter((e) => !deferred.some((d) => d.field === e.field && d.message === e.message)));
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
  return {
    contact: r.errors.length ? null : { row: row.row, data, emailKeys: data.emailKeys ?? [], externalId, pendingPhones, createOnly: r.named(deferred) },
    errors: r.errors,
  };
}

/** A company row as the input of `POST /companies`, with the checks that need no database. */
export function mapCompanyRow(row: CsvRow, opts: ImportOptions, defs: readonly CustomFieldShape[]): { company: MappedCompany | null; errors: RowError[] } {
  const r = new RowReader(row, opts.mapping, defs, opts.dateFormat, opts.listSeparator);
  const fail = (field: string, message: string) => r.report([{ field, message }]);
  const name = r.field('name')?.trim();
  // The rules of POST /companies (CreateCompanyDto, AddressDto): the columns' lengths.
  for (const [field, max] of COMPANY_LENGTHS) {
    const value = r.field(field)?.trim();
    if (value && value.length > max) fail(field, `must be at most ${max} characters`);
  }
  const domains = [...new Set([...(r.field('domain') ? [r.field('domain') as string] : []), ...splitList(r.field('domains') ?? '', r.separator)].map(normalizeDomain).filter(Boolean))];
  // The rule of POST /companies.
  for (const d of domains) if (!DOMAIN.test(d)) fail(r.field('domains') !== undefined ? 'domains' : 'domain', `${JSON.stringify(d.slice(0, 80))} is not a domain name`);
  const externalId = externalIdOf(r);
  let employees: number | null = null;
  const employeesCell = r.field('employees');
  if (employeesCell !== undefined) {
    const text = employeesCell.trim().replace(/[\s.,']/g, '');
    // The checks and messages of UpdateCompanyDto.employees (@IsInt, @Min(0), @Max).
    if (!/^-?\d{1,10}$/.test(text)) fail('employees', 'must be a whole number');
    else if (+text < 0) fail('employees', 'must not be less than 0');
    else if (+text > MAX_EMPLOYEES) fail('employees', `must not be greater than ${MAX_EMPLOYEES}`);
    else employees = +text;
  }
  const amount = r.field('annualRevenue');
  const currency = r.field('annualRevenueCurrency')?.trim().toUpperCase();
  let annualRevenue: CompanyInput['annualRevenue'] = null;
  if (amount !== undefined) {
    const text = decimalText(amount);
    if (!/^-?\d{1,15}(\.\d{1,4})?$/.test(text)) fail('annualRevenue', 'must be a decimal number');
    else if (!currency) fail('annualRevenueCurrency', 'is required with an amount');
    else if (!/^[A-Z]{3}$/.test(currency) || !isISO4217CurrencyCode(currency)) fail('annualRevenueCurrency', 'must be an ISO 4217 code such as "EUR"');
    else annualRevenue = { amount: text, currency };
  }
  const country = r.field('country')?.trim().toUpperCase();
  if (country !== undefined && !isISO31661Alpha2(country)) fail('country', COUNTRY_CODE);
  const customFields = r.customFields();
  // Checked like PATCH; the requirements of a new company (a name, the required custom fields)
  // apply to a row that creates one: refused now in mode create (every row creates), by the batch
  // writer in update and upsert once it knows the row creates (as mapContactRow explains).
  const { values, problems } = applyCustomValues(defs, {}, customFields, false);
  r.report(problems);
  const requirements: FieldError[] = [...(name ? [] : [{ field: 'name', message: 'is required' }]), ...missingRequired(defs, values)];
  if (opts.mode === 'create') r.report(requirements);
  const input: CompanyInput = {
    ...(externalId ? { externalId } : {}),
    ...(name ? { name } : {}),
    domains,
    industry: r.field('industry')?.trim() ?? null,
    employees,
    annualRevenue,
    address: { street: r.field('street')?.trim(), city: r.field('city')?.trim(), region: r.field('region')?.trim(), postalCode: r.field('postalCode')?.trim(), country },
    tags: splitList(r.field('tags') ?? '', r.separator),
    customFields,
  };
  return { company: r.errors.length ? null : { row: row.row, input, createOnly: opts.mode === 'create' ? [] : r.named(requirements) }, errors: r.errors };
}
