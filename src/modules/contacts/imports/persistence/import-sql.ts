import { EntityMetadata } from 'typeorm';
import { ScopedSql } from './import-match.repository';

/** A statement's positional parameters, with scoped SELECTs (which bring their own $n) embedded. */
export class SqlBuilder {
  readonly values: unknown[] = [];

  /** Binds a value; returns its placeholder. */
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A scoped SELECT's text with its parameters renumbered after the ones bound so far. */
  embed(scoped: ScopedSql): string {
    const offset = this.values.length;
    this.values.push(...scoped.params);
    return scoped.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  }
}

/** A new UUID v7 (time-ordered, like newId()) computed by Postgres, for rows a statement creates in bulk. */
export const SQL_UUID_V7 =
  "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid";

/** Fields every audit diff leaves out (the audit row records when and who). */
const BOOKKEEPING = new Set(['updatedAt', 'version']);

/**
 * The audit snapshot of a row as SQL: `jsonb_build_object('firstName', a.first_name, …)` over the
 * entity's audited columns, by property name as AuditService writes them (timestamps as ISO
 * strings in UTC, numerics as strings).
 */
export function auditSnapshotSql(metadata: EntityMetadata, alias: string, exclude: readonly string[]): string {
  const skip = new Set([...exclude, ...BOOKKEEPING]);
  const parts: string[] = [];
  for (const col of metadata.columns) {
    if (skip.has(col.propertyName)) continue;
    const ref = `${alias}."${col.databaseName}"`;
    let value = ref;
    if (col.type === 'timestamptz') value = `to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    else if (col.type === 'numeric') value = `${ref}::text`;
    parts.push(`'${col.propertyName}', ${value}`);
  }
  return `jsonb_build_object(${parts.join(', ')})`;
}

/** `{field: {from, to}}` of the fields that differ between two snapshots (null when none does). */
export function auditUpdateDiffSql(before: string, after: string): string {
  return `(SELECT jsonb_object_agg(a.key, jsonb_build_object('from', b.value, 'to', a.value))
     FROM jsonb_each(${after}) a JOIN jsonb_each(${before}) b ON b.key = a.key WHERE a.value IS DISTINCT FROM b.value)`;
}

/** `{field: {from: null, to}}` of a created record's non-null fields. */
export function auditCreateDiffSql(after: string): string {
  return `(SELECT jsonb_object_agg(a.key, jsonb_build_object('from', NULL, 'to', a.value)) FROM jsonb_each(${after}) a WHERE a.value <> 'null'::jsonb)`;
}

/** `{field: {from, to: null}}` of a removed record's non-null fields. */
export function auditDeleteDiffSql(before: string): string {
  return `(SELECT jsonb_object_agg(a.key, jsonb_build_object('from', a.value, 'to', NULL)) FROM jsonb_each(${before}) a WHERE a.value <> 'null'::jsonb)`;
}

/**
 * A contact's search text (see contactSearchText): names, emails, phones with and without `+`,
 * and the names of its companies in link order. `c` is a row alias with the contact's columns.
 */
export function contactSearchTextSql(c: { firstName: string; lastName: string; emailKeys: string; phoneKeys: string; companyIds: string }): string {
  return `array_to_string(
    ARRAY[${c.firstName}::text, ${c.lastName}::text]
    || ${c.emailKeys}
    || ARRAY(SELECT x FROM unnest(${c.phoneKeys}) WITH ORDINALITY ph(n, o) CROSS JOIN LATERAL unnest(ARRAY[ph.n, substr(ph.n, 2)]) WITH ORDINALITY v(x, o2) ORDER BY ph.o, v.o2)
    || ARRAY(SELECT co.name::text FROM unnest(${c.companyIds}) WITH ORDINALITY l(cid, o) JOIN contacts.companies co ON co.id = l.cid::uuid ORDER BY l.o),
    ' ')`;
}

/** `current` with the elements of `added` it lacks appended, in their order. */
export function arrayUnionSql(current: string, added: string): string {
  return `(CASE WHEN ${added} IS NULL THEN ${current} ELSE ${current} || ARRAY(SELECT u.v FROM unnest(${added}) WITH ORDINALITY u(v, o) WHERE NOT (u.v = ANY(${current})) ORDER BY u.o) END)`;
}

/**
 * A jsonb list of emails or phones with the new entries of `added` appended (by `key`); when the
 * record had entries already, its primary stays the primary.
 */
export function jsonListUnionSql(current: string, currentKeys: string, added: string, key: 'email' | 'number'): string {
  return `(CASE WHEN ${added} IS NULL THEN ${current} ELSE ${current} || COALESCE((
    SELECT jsonb_agg(CASE WHEN jsonb_array_length(${current}) > 0 THEN jsonb_set(e.v, '{primary}', 'false') ELSE e.v END ORDER BY e.o)
      FROM jsonb_array_elements(${added}) WITH ORDINALITY e(v, o) WHERE NOT ((e.v->>'${key}') = ANY(${currentKeys}))), '[]'::jsonb) END)`;
}

const DECIMAL_TEXT = `'^-?[0-9]+([.][0-9]+)?$'`;

/**
 * A matched record's custom values (`prev`, jsonb) with a row's (`staged`) merged over them, as
 * `prev || staged`, except that a money value whose amount and currency equal the stored ones
 * keeps the stored value: the API stores an amount as it was written (`1200.50`), and a file
 * writing the same amount as `1200.5` changes nothing (no new version, no receipt to revert).
 */
export function customFieldsMergeSql(prev: string, staged: string): string {
  const same = `jsonb_typeof(n.value) = 'object' AND jsonb_typeof(o.value) = 'object' AND n.value ->> 'currency' = o.value ->> 'currency'
                AND n.value ->> 'amount' ~ ${DECIMAL_TEXT} AND o.value ->> 'amount' ~ ${DECIMAL_TEXT}`;
  // Nested CASEs: the amounts are cast only once both are known to be decimals.
  const value = `CASE WHEN ${same} THEN CASE WHEN (n.value ->> 'amount')::numeric = (o.value ->> 'amount')::numeric THEN o.value ELSE n.value END ELSE n.value END`;
  return `${prev} || COALESCE((SELECT jsonb_object_agg(n.key, ${value}) FROM jsonb_each(${staged}) n LEFT JOIN jsonb_each(${prev}) o ON o.key = n.key), '{}'::jsonb)`;
}
