/**
 * The allow-list of one resource's list/search surface: which fields a caller may filter and
 * sort by, how each maps to SQL, and which operators it accepts. Field names never reach SQL:
 * only the column or expression declared here does, and every value is a bound parameter.
 */
export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin' | 'contains' | 'startsWith' | 'isNull';
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull'];

export type FieldType =
  | 'string'
  | 'text'
  | 'number'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'uuid'
  | 'enum'
  | 'tags';

/** What the caller writes in a resource's FieldSpec. */
export interface FieldSpecInput {
  type: FieldType;
  /** Database column of the resource's table (snake_case). Defaults to the field name in snake_case. */
  column?: string;
  /**
   * A JSON path inside a jsonb column instead of a plain column (custom fields). Keys must be
   * identifiers; they become SQL string literals, so they are checked when the spec is built.
   */
  json?: { column: string; path: string[] };
  /** Values an `enum` field accepts. */
  values?: readonly string[];
  /** Puts a filter value of a string/text/tags field in the form stored (lower-cased emails, E.164 phones). */
  normalize?: (value: string) => string;
  /** Operators allowed; defaults depend on the type (see DEFAULT_OPS). `[]` makes the field sort-only. */
  ops?: readonly FilterOp[];
  sortable?: boolean;
  /** false when the column is NOT NULL: lets keyset pagination use one row comparison. Default true. */
  nullable?: boolean;
  description?: string;
}

export interface FieldSpec extends Required<Pick<FieldSpecInput, 'type' | 'sortable' | 'nullable'>> {
  name: string;
  ops: ReadonlySet<FilterOp>;
  values?: readonly string[];
  description?: string;
  normalize?: (value: string) => string;
  /** SQL expression of the field for a table alias; built from the spec only. */
  sql(alias: string): string;
}

export interface ListSpecInput {
  /** Used in the cursor signature and error messages, e.g. `contacts`. */
  resource: string;
  fields: Record<string, FieldSpecInput>;
  /** Default sort, in the query-string form (`-createdAt`). The id tiebreaker is implicit. */
  defaultSort?: string;
  /** Free-text search (`q`): case-insensitive substring over these fields (string/text only). */
  search?: readonly string[];
  /**
   * The resource is soft-deleted (`deleted_at`): adds the virtual filter `deleted` (eq only).
   * Lists hide deleted rows unless the filter names `deleted`.
   */
  softDelete?: boolean;
  /**
   * A free-text search of the resource's own (trigram, full text) for `q`, replacing the
   * substring match over `search`. `bind` turns a value into a bound parameter placeholder.
   */
  textSearch?: TextSearch;
}

export interface TextSearch {
  /** For the docs of `q`: what the search looks at and how it matches. */
  description: string;
  sql(alias: string, q: string, bind: (value: unknown) => string): string;
  /**
   * How well a row matches `q` (a NOT NULL float, higher is better). With one, a search without
   * `sort` lists the best matches first (see relevanceSort).
   */
  rank?(alias: string, q: string, bind: (value: unknown) => string): string;
}

export interface ListSpec {
  resource: string;
  fields: ReadonlyMap<string, FieldSpec>;
  defaultSort: readonly SortKey[];
  search: readonly FieldSpec[];
  softDelete: boolean;
  textSearch: TextSearch | null;
}

export interface SortKey {
  field: FieldSpec;
  desc: boolean;
  /**
   * The key's SQL when it depends on the request (relevance to `q`): bound once per statement,
   * it replaces `field.sql` there. Keys of the spec's fields have none.
   */
  expression?: (alias: string, bind: (value: unknown) => string) => string;
}

/** The name relevance has in cursor signatures (not a field: it cannot be filtered or asked for in `sort`). */
export const RELEVANCE = 'relevance';

/** A name as people type it: letters (any script), spaces, apostrophes, hyphens and dots. */
const NAME_LIKE = /^[\p{L}\p{M}'’.\- ]+$/u;
/** The shortest word that makes a name worth ranking: shorter prefixes match too many rows to score them all. */
const MIN_RANKED_WORD = 4;

/**
 * The order of a search without `sort`: best match first (the spec's rank of `q`), the newest
 * first among equals (the id tiebreaker of effectiveSort; ids are time-ordered). Ranking scores
 * every match, so it is kept for what it helps with, a name: `q` of letters only with a word of
 * four letters or more. Other searches (short prefixes, parts of emails, phone numbers) match
 * a large share of the table and keep the default order, which the index serves page by page.
 */
export function relevanceSort(spec: ListSpec, q: string | null): SortKey[] | null {
  const rank = spec.textSearch?.rank;
  if (!rank || !q || !NAME_LIKE.test(q) || !q.split(/[\s.'’-]+/).some((w) => [...w].length >= MIN_RANKED_WORD)) return null;
  const field: FieldSpec = {
    name: RELEVANCE,
    type: 'number',
    sortable: false,
    nullable: false,
    ops: new Set(),
    description: 'how well a record matches q',
    sql: () => {
      throw new Error('relevance is computed per query (SortKey.expression)');
    },
  };
  // As numeric: a cursor holds the rank as text and compares it as numeric (a `number` key), and
  // a float compared with the numeric of its own text is not equal to it (real 0.45454547 is
  // below numeric 0.45454547): the page after a cursor would start again at the cursor's row.
  return [{ field, desc: true, expression: (alias, bind) => `CAST(${rank(alias, q, bind)} AS numeric)` }];
}

const DEFAULT_OPS: Record<FieldType, readonly FilterOp[]> = {
  string: ['eq', 'ne', 'in', 'nin', 'contains', 'startsWith', 'isNull'],
  text: ['contains', 'isNull'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull'],
  numeric: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'isNull'],
  boolean: ['eq', 'ne', 'isNull'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'isNull'],
  timestamp: ['gt', 'gte', 'lt', 'lte', 'isNull'],
  uuid: ['eq', 'ne', 'in', 'nin', 'isNull'],
  enum: ['eq', 'ne', 'in', 'nin', 'isNull'],
  tags: ['contains', 'in', 'nin', 'isNull'],
};

/** Which operators make sense for a type at all; a spec asking for more is a programming error. */
const POSSIBLE_OPS: Record<FieldType, readonly FilterOp[]> = {
  string: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull'],
  text: ['eq', 'ne', 'contains', 'startsWith', 'isNull'],
  number: DEFAULT_OPS.number,
  numeric: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull'],
  boolean: DEFAULT_OPS.boolean,
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull'],
  timestamp: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'isNull'],
  uuid: DEFAULT_OPS.uuid,
  enum: DEFAULT_OPS.enum,
  tags: DEFAULT_OPS.tags,
};

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const JSON_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const quoteIdent = (s: string) => `"${s}"`;

function specError(resource: string, message: string): Error {
  return new Error(`List spec of ${resource}: ${message}`);
}

function buildField(resource: string, name: string, input: FieldSpecInput): FieldSpec {
  if (!FIELD_NAME.test(name)) throw specError(resource, `field name ${JSON.stringify(name)} is not an identifier`);
  const ops = input.ops ?? DEFAULT_OPS[input.type];
  for (const op of ops) {
    if (!POSSIBLE_OPS[input.type].includes(op)) throw specError(resource, `${name}: op ${op} does not apply to type ${input.type}`);
  }
  if (input.type === 'enum' && !input.values?.length) throw specError(resource, `${name}: an enum needs values`);
  if (input.type === 'tags' && input.sortable) throw specError(resource, `${name}: tags cannot be sorted`);
  let sql: (alias: string) => string;
  if (input.json) {
    const { column, path } = input.json;
    if (!IDENT.test(column)) throw specError(resource, `${name}: json column ${JSON.stringify(column)} is not an identifier`);
    if (!path.length || !path.every((k) => JSON_KEY.test(k))) throw specError(resource, `${name}: json path keys must match ${JSON_KEY}`);
    const literal = `'{${path.join(',')}}'`;
    const cast = input.type === 'number' || input.type === 'numeric' ? 'numeric' : input.type === 'boolean' ? 'boolean' : input.type === 'date' ? 'date' : input.type === 'timestamp' ? 'timestamptz' : null;
    if (input.type === 'uuid') throw specError(resource, `${name}: json fields support string, text, number, numeric, boolean, date, timestamp, enum, tags`);
    sql =
      input.type === 'tags'
        ? // A JSON array of strings as text[] (anything else reads as no tags), so tag operators apply.
          (alias) => {
            const value = `(${quoteIdent(alias)}.${quoteIdent(column)} #> ${literal})`;
            return `ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(${value}) = 'array' THEN ${value} ELSE '[]'::jsonb END))`;
          }
        : (alias) => {
            const text = `(${quoteIdent(alias)}.${quoteIdent(column)} #>> ${literal})`;
            return cast ? `CAST(${text} AS ${cast})` : text;
          };
  } else {
    const column = input.column ?? snake(name);
    if (!IDENT.test(column)) throw specError(resource, `${name}: column ${JSON.stringify(column)} is not an identifier`);
    sql = (alias) => `${quoteIdent(alias)}.${quoteIdent(column)}`;
  }
  return {
    name,
    type: input.type,
    ops: new Set(ops),
    values: input.values,
    sortable: input.sortable ?? false,
    nullable: input.nullable ?? true,
    description: input.description,
    normalize: input.normalize,
    sql,
  };
}

/** Parses `-createdAt,name` against a field map; used for defaults (throws) and requests (see parse). */
export function parseSortExpression(
  expr: string,
  fields: ReadonlyMap<string, FieldSpec>,
  fail: (message: string) => Error,
): SortKey[] {
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  const parts = expr.split(',');
  if (parts.length > MAX_SORT_KEYS) throw fail(`at most ${MAX_SORT_KEYS} sort fields`);
  for (const raw of parts) {
    const part = raw.trim();
    const desc = part.startsWith('-');
    const name = desc || part.startsWith('+') ? part.slice(1) : part;
    const field = fields.get(name);
    if (!name) throw fail('an empty sort field');
    if (!field) throw fail(`${JSON.stringify(name)} is not a field of this resource`);
    if (!field.sortable) throw fail(`${JSON.stringify(name)} is not sortable`);
    if (seen.has(name)) throw fail(`${JSON.stringify(name)} appears twice`);
    seen.add(name);
    keys.push({ field, desc });
  }
  return keys;
}

export const MAX_SORT_KEYS = 4;
export const DELETED_FIELD = 'deleted';

/** The fields every versioned, soft-deleted record has; resources add their own. */
export const RECORD_FIELDS: Record<string, FieldSpecInput> = {
  id: { type: 'uuid', sortable: true, nullable: false },
  createdAt: { type: 'timestamp', sortable: true, nullable: false },
  updatedAt: { type: 'timestamp', sortable: true, nullable: false },
};

/** ownerId/teamId of an OwnedRecordEntity. */
export const OWNED_RECORD_FIELDS: Record<string, FieldSpecInput> = {
  ...RECORD_FIELDS,
  ownerId: { type: 'uuid' },
  teamId: { type: 'uuid' },
};

/**
 * Builds (and checks, at start-up) a resource's list spec. `id` must be a field: it is the
 * keyset tiebreaker. Throws on any mistake so a bad spec never reaches a request.
 */
export function defineListSpec(input: ListSpecInput): ListSpec {
  const fields = new Map<string, FieldSpec>();
  for (const [name, f] of Object.entries(input.fields)) fields.set(name, buildField(input.resource, name, f));
  if (input.softDelete) {
    if (fields.has(DELETED_FIELD)) throw specError(input.resource, `\`${DELETED_FIELD}\` is reserved for soft-deleted resources`);
    fields.set(DELETED_FIELD, {
      name: DELETED_FIELD,
      type: 'boolean',
      ops: new Set<FilterOp>(['eq']),
      sortable: false,
      nullable: false,
      description: 'true lists the recycle bin (deleted records) instead of live ones',
      sql: (alias) => `(${quoteIdent(alias)}."deleted_at" IS NOT NULL)`,
    });
  }
  const id = fields.get('id');
  if (!id || id.type !== 'uuid' || id.nullable) throw specError(input.resource, 'needs a non-nullable uuid field `id` (keyset tiebreaker)');
  const defaultSort = parseSortExpression(input.defaultSort ?? '-createdAt', fields, (m) => specError(input.resource, `defaultSort: ${m}`));
  const search = (input.search ?? []).map((name) => {
    const f = fields.get(name);
    if (!f || (f.type !== 'string' && f.type !== 'text')) throw specError(input.resource, `search field ${name} must be a string/text field`);
    return f;
  });
  return { resource: input.resource, fields, defaultSort, search, softDelete: input.softDelete ?? false, textSearch: input.textSearch ?? null };
}
