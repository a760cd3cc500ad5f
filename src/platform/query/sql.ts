import { FilterNode } from './filter';
import { FieldSpec, SortKey } from './list-spec';

/** Turns a value into a bound parameter's placeholder: values never become SQL text. */
export interface ParamBinder {
  bind(value: unknown): string;
}

/**
 * A WHERE fragment with named parameters (TypeORM's `:name` syntax). Parameter names are
 * generated here, never taken from input; values are always bound.
 */
export class SqlParams implements ParamBinder {
  readonly values: Record<string, unknown> = Object.create(null);
  private n = 0;
  constructor(private readonly prefix = 'p') {}

  bind(value: unknown): string {
    const name = `${this.prefix}${this.n++}`;
    this.values[name] = value;
    return `:${name}`;
  }
}

/** Postgres's positional parameters (`$1`, `$2`…), for statements run without a query builder. */
export class PositionalParams implements ParamBinder {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `%`, `_` and `\` are LIKE wildcards/escape; a value is matched literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const COMPARE: Record<string, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export function compileFilter(node: FilterNode, alias: string, params: ParamBinder): string {
  if (node.kind !== 'condition') {
    const parts = node.nodes.map((n) => compileFilter(n, alias, params));
    return `(${parts.join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
  }
  const { field, op, value } = node;
  const col = field.sql(alias);
  if (op === 'isNull') {
    if (field.type === 'tags') return value ? `(${col} IS NULL OR cardinality(${col}) = 0)` : `(cardinality(${col}) > 0)`;
    return value ? `(${col} IS NULL)` : `(${col} IS NOT NULL)`;
  }
  if (field.type === 'tags') {
    // contains: has this tag; in: has any of them; nin: has none of them.
    if (op === 'contains') return `(${col} @> ARRAY[CAST(${params.bind(value)} AS text)])`;
    if (op === 'in') return `(${col} && CAST(${params.bind(value)} AS text[]))`;
    return `(${col} IS NULL OR NOT (${col} && CAST(${params.bind(value)} AS text[])))`;
  }
  switch (op) {
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `(${col} ${COMPARE[op]} ${params.bind(value)})`;
    case 'ne':
      // "not Riga" includes rows with no city: that is what people mean.
      return `(${col} IS DISTINCT FROM ${params.bind(value)})`;
    case 'in':
      return `(${col} = ANY(${params.bind(value)}))`;
    case 'nin':
      return `(${col} IS NULL OR NOT (${col} = ANY(${params.bind(value)})))`;
    case 'contains':
      return `(${col} ILIKE ${params.bind(`%${escapeLike(value as string)}%`)} ESCAPE '\\')`;
    case 'startsWith':
      return `(${col} ILIKE ${params.bind(`${escapeLike(value as string)}%`)} ESCAPE '\\')`;
  }
  throw new Error(`unreachable op ${String(op)}`);
}

/** `q`: case-insensitive substring over the spec's search fields. */
export function compileSearch(fields: readonly FieldSpec[], q: string, alias: string, params: ParamBinder): string {
  const p = params.bind(`%${escapeLike(q)}%`);
  return `(${fields.map((f) => `${f.sql(alias)} ILIKE ${p} ESCAPE '\\'`).join(' OR ')})`;
}

/** A sort key's expression rendered as text, so cursors carry exact values (microseconds, numerics). */
export function sortKeyText(key: SortKey, alias: string): string {
  return `CAST(${key.field.sql(alias)} AS text)`;
}

/**
 * NULLs sort last in both directions, so "after" is well-defined for keyset pagination. NOT NULL
 * keys get no NULLS clause, so that an index read backwards can serve their DESC order.
 */
export function orderByClause(keys: readonly SortKey[], alias: string): string {
  return keys.map((k) => `${k.field.sql(alias)} ${k.desc ? 'DESC' : 'ASC'}${k.field.nullable ? ' NULLS LAST' : ''}`).join(', ');
}

const PG_TYPE: Record<string, string> = {
  string: 'text',
  text: 'text',
  number: 'numeric',
  numeric: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamptz',
  uuid: 'uuid',
  enum: 'text',
};

/**
 * Rows strictly after `values` (one text value or null per key) in the order of `keys`.
 * With no nullable key and one direction it is a row comparison (index-friendly); otherwise the
 * expanded form (a > x) OR (a = x AND b > y) OR ..., where NULLs sort last.
 */
export function compileKeyset(keys: readonly SortKey[], values: readonly (string | null)[], alias: string, params: ParamBinder): string {
  const typed = keys.map((k, i) => ({ col: k.field.sql(alias), desc: k.desc, value: values[i], type: PG_TYPE[k.field.type] ?? 'text' }));
  const bound = typed.map((t) => (t.value === null ? null : `CAST(${params.bind(t.value)} AS ${t.type})`));
  const sameDirection = typed.every((t) => t.desc === typed[0].desc);
  if (sameDirection && keys.every((k) => !k.field.nullable) && bound.every((b) => b !== null)) {
    return `((${typed.map((t) => t.col).join(', ')}) ${typed[0].desc ? '<' : '>'} (${bound.join(', ')}))`;
  }
  const after = (i: number): string | null => {
    const t = typed[i];
    const b = bound[i];
    if (b === null) return null; // nothing sorts after NULL: NULLS LAST
    const beyond = `${t.col} ${t.desc ? '<' : '>'} ${b}`;
    return keys[i].field.nullable ? `(${beyond} OR ${t.col} IS NULL)` : `(${beyond})`;
  };
  const equal = (i: number): string => (bound[i] === null ? `${typed[i].col} IS NULL` : `${typed[i].col} = ${bound[i]}`);
  const ors: string[] = [];
  for (let i = 0; i < typed.length; i++) {
    const a = after(i);
    if (a === null) continue;
    const prefix = typed.slice(0, i).map((_, j) => equal(j));
    ors.push(`(${[...prefix, a].join(' AND ')})`);
  }
  return ors.length ? `(${ors.join(' OR ')})` : 'FALSE';
}
