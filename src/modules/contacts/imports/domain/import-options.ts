import { CUSTOM_FIELD_KEY } from '../../../../platform/custom-fields/custom-field-types';
import { badRequest, FieldError } from '../../../../platform/errors/domain-error';

export const IMPORT_ENTITIES = ['contact', 'company'] as const;
export const IMPORT_MODES = ['create', 'update', 'upsert'] as const;
export const MATCH_BY = ['email', 'externalId'] as const;
export const DATE_FORMATS = ['iso', 'dmy'] as const;
export const DELIMITERS = ['auto', ',', ';'] as const;
/** What separates several values in one cell of a list field; `;` is what the export writes (LIST_SEPARATOR). A line break always does. */
export const LIST_SEPARATORS = [';', ',', '|'] as const;

export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
export type ImportMode = (typeof IMPORT_MODES)[number];
export type MatchBy = (typeof MATCH_BY)[number];
export type DateFormat = (typeof DATE_FORMATS)[number];
export type Delimiter = (typeof DELIMITERS)[number];
export type ListSeparator = (typeof LIST_SEPARATORS)[number];

/** Built-in fields a CSV column can feed; several values in a cell of a list field are separated by the import's `listSeparator`. */
export const CONTACT_TARGETS = ['externalId', 'firstName', 'lastName', 'email', 'emails', 'phone', 'phones', 'jobTitle', 'street', 'city', 'region', 'postalCode', 'country', 'lifecycleStage', 'source', 'tags'] as const;
export const COMPANY_TARGETS = ['externalId', 'name', 'domain', 'domains', 'industry', 'employees', 'annualRevenue', 'annualRevenueCurrency', 'street', 'city', 'region', 'postalCode', 'country', 'tags'] as const;

/** `customFields.<key>` (or `cf_<key>`, the export's header) targets a custom field. */
const CUSTOM_TARGET = /^(?:customFields\.|cf_)(.+?)(\.currency)?$/;
const MAX_MAPPED_COLUMNS = 200;

/** Where one CSV column goes: a built-in field or a custom field's key. */
/** `column`: the CSV column as the mapping spells it, the name reports give it (matching ignores case). */
export type Target = ({ kind: 'field'; field: string } | { kind: 'custom'; key: string } | { kind: 'currency'; key: string }) & { column: string };

export interface ImportOptions {
  entity: ImportEntity;
  /** CSV header (as written in the file, compared trimmed and case-insensitively) → target. */
  mapping: Map<string, Target>;
  mode: ImportMode;
  matchBy: MatchBy | null;
  dryRun: boolean;
  dateFormat: DateFormat;
  delimiter: Delimiter;
  listSeparator: ListSeparator;
}

const oneOf = <T extends string>(values: readonly T[], raw: unknown, field: string, fallback: T | undefined, errors: FieldError[]): T | undefined => {
  if (raw === undefined || raw === '') {
    if (fallback === undefined) errors.push({ field, message: 'is required' });
    return fallback;
  }
  if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as T;
  errors.push({ field, message: `must be one of ${values.join(', ')}` });
  return fallback;
};

export const headerKey = (header: string): string => header.trim().toLowerCase();

function parseMapping(raw: unknown, entity: ImportEntity | undefined, errors: FieldError[]): Map<string, Target> {
  const mapping = new Map<string, Target>();
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      errors.push({ field: 'mapping', message: 'must be a JSON object of CSV column → field' });
      return mapping;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ field: 'mapping', message: 'must be a JSON object of CSV column → field' });
    return mapping;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.length) errors.push({ field: 'mapping', message: 'must map at least one column' });
  if (entries.length > MAX_MAPPED_COLUMNS) errors.push({ field: 'mapping', message: `may map at most ${MAX_MAPPED_COLUMNS} columns` });
  const builtIn: readonly string[] = entity === 'company' ? COMPANY_TARGETS : CONTACT_TARGETS;
  const used = new Set<string>();
  for (const [column, target] of entries.slice(0, MAX_MAPPED_COLUMNS)) {
    const at = `mapping.${column}`.slice(0, 120);
    if (typeof target !== 'string') {
      errors.push({ field: at, message: 'must be a field name' });
      continue;
    }
    const custom = CUSTOM_TARGET.exec(target);
    let parsed: Target;
    if (custom && CUSTOM_FIELD_KEY.test(custom[1])) parsed = { kind: custom[2] ? 'currency' : 'custom', key: custom[1], column: column.trim() };
    else if (builtIn.includes(target)) parsed = { kind: 'field', field: target, column: column.trim() };
    else {
      errors.push({ field: at, message: `${JSON.stringify(target).slice(0, 60)} is not a field of ${entity ?? 'the entity'} (${builtIn.join(', ')}, customFields.<key>)` });
      continue;
    }
    const id = parsed.kind === 'field' ? parsed.field : `customFields.${parsed.key}${parsed.kind === 'currency' ? '.currency' : ''}`;
    if (used.has(id)) errors.push({ field: at, message: `${id} is mapped from two columns` });
    used.add(id);
    if (mapping.has(headerKey(column))) errors.push({ field: at, message: 'the column is mapped twice' });
    mapping.set(headerKey(column), parsed);
  }
  return mapping;
}

const parseBoolean = (raw: unknown, field: string, errors: FieldError[]): boolean => {
  if (raw === undefined || raw === '' || raw === false || raw === 'false') return false;
  if (raw === true || raw === 'true') return true;
  errors.push({ field, message: 'must be true or false' });
  return false;
};

/** The form fields of `POST /imports` (strings, as multipart sends them), checked together: one 400 lists every problem. */
export function parseImportOptions(fields: Record<string, unknown>): ImportOptions {
  const errors: FieldError[] = [];
  const known = new Set(['entity', 'mapping', 'mode', 'matchBy', 'dryRun', 'dateFormat', 'delimiter', 'listSeparator']);
  for (const key of Object.keys(fields)) if (!known.has(key)) errors.push({ field: key.slice(0, 100), message: 'is not a known field' });
  const entity = oneOf(IMPORT_ENTITIES, fields.entity, 'entity', undefined, errors);
  const mode = oneOf(IMPORT_MODES, fields.mode, 'mode', 'create', errors) ?? 'create';
  const matchBy = oneOf(MATCH_BY, fields.matchBy, 'matchBy', mode === 'create' ? ('email' as MatchBy) : undefined, errors) ?? null;
  if (mode !== 'create' && matchBy === 'email' && entity === 'company') errors.push({ field: 'matchBy', message: 'companies have no email to match by' });
  const options: ImportOptions = {
    entity: entity ?? 'contact',
    mapping: parseMapping(fields.mapping, entity, errors),
    mode,
    matchBy: mode === 'create' ? null : matchBy,
    dryRun: parseBoolean(fields.dryRun, 'dryRun', errors),
    dateFormat: oneOf(DATE_FORMATS, fields.dateFormat, 'dateFormat', 'iso', errors) ?? 'iso',
    delimiter: oneOf(DELIMITERS, fields.delimiter, 'delimiter', 'auto', errors) ?? 'auto',
    listSeparator: oneOf(LIST_SEPARATORS, fields.listSeparator, 'listSeparator', ';', errors) ?? ';',
  };
  if (options.mode !== 'create' && options.matchBy === 'email' && ![...options.mapping.values()].some((t) => t.kind === 'field' && (t.field === 'email' || t.field === 'emails'))) {
    errors.push({ field: 'mapping', message: 'matching by email needs a column mapped to email or emails' });
  }
  if (options.mode !== 'create' && options.matchBy === 'externalId' && ![...options.mapping.values()].some((t) => t.kind === 'field' && t.field === 'externalId')) {
    errors.push({ field: 'mapping', message: 'matching by externalId needs a column mapped to externalId' });
  }
  if (errors.length) throw badRequest('The import request is not valid.', errors, 'VALIDATION_FAILED');
  return options;
}

/** The CSV column (header key) feeding a built-in field, or the field's name when none does: how a row's problem is named. */
export function columnOfField(opts: Pick<ImportOptions, 'mapping'>, field: string): string {
  for (const target of opts.mapping.values()) if (target.kind === 'field' && target.field === field) return target.column;
  return field;
}

/** A mapped column's name as the mapping spells it (`E-Mail`), from its case-insensitive key (`e-mail`). */
export const columnName = (mapping: ReadonlyMap<string, Target>, key: string): string => mapping.get(key)?.column ?? key;
