import { DataSource, EntityMetadata, ObjectLiteral } from 'typeorm';
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
  const columns = metadata.columns
    .filter((c) => !c.isVirtual)
    .map((column) => ({ column, key: DriverUtils.buildAlias(driver, undefined, alias, column.databaseName) }));
  return (raw) =>
    raw.map((row) => {
      const entity = metadata.create(undefined, { fromDeserializer: true }) as E;
      for (const { column, key } of columns) {
        const value = row[key];
        if (value !== undefined) column.setEntityValue(entity, driver.prepareHydratedValue(value, column));
      }
      return entity;
    });
}
