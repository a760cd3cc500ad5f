import { DataSource, EntityMetadata, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { DriverUtils } from 'typeorm/driver/DriverUtils';

/**
 * Raw rows of a single-table query builder (`alias_column` keys) → entities, as TypeORM's
 * getRawAndEntities builds them (the entity class, every selected column through the driver's
 * hydration), without its per-page grouping by primary key and alias lookups, which cost a
 * large share of a list page's CPU. Null when the entity needs TypeORM's own transformer
 * (relation keys without a column of their own, embedded columns, load listeners or subscribers).
 */
export function rowHydrator<E extends ObjectLiteral>(ds: DataSource, metadata: EntityMetadata, alias: string): ((raw: Record<string, unknown>[]) => E[]) | null {
  // A relation whose foreign key is also a plain column (`roleId` beside `role`) is filled only by
  // a join, which fetchPage never hands to a hydrator; one with a virtual key column is not.
  const virtualKey = metadata.relations.some((r) => r.joinColumns.some((c) => c.isVirtual));
  if (virtualKey || metadata.embeddeds.length || metadata.afterLoadListeners.length || ds.subscribers.length || metadata.childEntityMetadatas.length) return null;
  const driver = ds.driver;
  // Without embeddeds and virtual columns, setEntityValue is a plain property write.
  const columns = metadata.columns
    .filter((c) => !c.isVirtual)
    .map((column) => ({
      property: column.propertyName,
      key: DriverUtils.buildAlias(driver, undefined, alias, column.databaseName),
      convert: keepsDriverValue(column) ? undefined : (value: unknown) => driver.prepareHydratedValue(value, column),
    }));
  // One function per entity with its keys written out: every row is read and every entity built
  // with the same named properties in the same order (one shape each, no lookup by a key held in
  // a variable), which costs V8 a fraction of a loop over the columns. The names come from the
  // entity's metadata, quoted as JSON string literals.
  const lines = columns.map(({ property, key, convert }, i) => {
    const value = `row[${JSON.stringify(key)}]`;
    return `v = ${value}; if (v !== undefined) e[${JSON.stringify(property)}] = ${convert ? `convert[${i}](v)` : 'v'};`;
  });
  const compile = new Function('create', 'convert', `return function hydrateRow(row) { const e = create(); let v; ${lines.join(' ')} return e; };`) as (
    create: () => Record<string, unknown>,
    convert: (((value: unknown) => unknown) | undefined)[],
  ) => (row: Record<string, unknown>) => E;
  const hydrateRow = compile(
    () => metadata.create(undefined, { fromDeserializer: true }) as Record<string, unknown>,
    columns.map((c) => c.convert),
  );
  return (raw) => raw.map(hydrateRow);
}

/**
 * The SELECT list (every column, or all but `omit`, aliased `alias_column` as TypeORM aliases
 * them, so rowHydrator reads the rows) and the FROM clause of a single-table read written
 * without a query builder. Null when TypeORM selects some column in a way of its own (columns
 * left out of selects, virtual properties computed by a query).
 */
export function tableSelect(ds: DataSource, metadata: EntityMetadata, alias: string, omit: ReadonlySet<string> = new Set()): { select: string; from: string } | null {
  if (metadata.columns.some((c) => !c.isSelect || c.isVirtualProperty)) return null;
  const driver = ds.driver;
  const a = driver.escape(alias);
  const select = metadata.columns
    .filter((c) => !c.isVirtual && !omit.has(c.propertyName))
    .map((c) => `${a}.${driver.escape(c.databaseName)} AS ${driver.escape(DriverUtils.buildAlias(driver, undefined, alias, c.databaseName))}`)
    .join(', ');
  const from = `${metadata.schema ? `${driver.escape(metadata.schema)}.` : ''}${driver.escape(metadata.tableName)} ${a}`;
  return { select, from };
}

/**
 * Column types whose value the postgres driver's prepareHydratedValue changes (booleans,
 * timestamps and dates, enums, numbers typed `Number`, the simple-* and geometric types);
 * every other column without a transformer keeps the value pg parsed, so the call is skipped.
 */
const CONVERTED_TYPES = new Set<unknown>([
  Boolean,
  Number,
  Date,
  'datetime',
  'timestamp',
  'timestamptz',
  'timestamp with time zone',
  'timestamp without time zone',
  'date',
  'time',
  'vector',
  'halfvec',
  'hstore',
  'simple-array',
  'simple-json',
  'cube',
  'enum',
  'simple-enum',
]);

function keepsDriverValue(column: ColumnMetadata): boolean {
  return !column.transformer && !CONVERTED_TYPES.has(column.type);
}
