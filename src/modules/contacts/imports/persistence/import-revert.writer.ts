import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor } from '../../../../platform/access/actor';
import { CompanyEntity } from '../../persistence/company.entity';
import { ContactEntity } from '../../persistence/contact.entity';
import { ImportEntity } from '../domain/import-options';
import { COMPANY_AUDIT_EXCLUDE, CONTACT_AUDIT_EXCLUDE, refreshContactSearchText } from './import-batch.writer';
import { FINGERPRINT_KEY, recordFingerprintSql } from './import-receipt';
import { auditDeleteDiffSql, auditSnapshotSql, auditUpdateDiffSql, contactSearchTextSql, SQL_UUID_V7 } from './import-sql';

/**
 * A created contact that has since gained consent evidence cannot be deleted for good (the ledger
 * is append-only and points at it): it goes to the recycle bin instead.
 */
const KEPT_EVIDENCE: Record<ImportEntity, string> = {
  contact: 'EXISTS (SELECT 1 FROM contacts.consent_entries ce WHERE ce.contact_id = t.id)',
  company: 'FALSE',
};

/** The record's identity and bookkeeping: never put back. */
const NOT_RESTORED = new Set(['id', 'created_at', 'updated_at', 'version', 'deleted_at']);

/** A jsonb list of entries an import adds to (by `key`), with the columns derived from it. */
interface EntryList {
  column: string;
  key: 'email' | 'number';
  keys: string;
  primary: string;
}

/** How a revert treats the columns of one entity (see ImportRevertWriter). */
interface RevertShape {
  table: string;
  resource: 'contacts' | 'companies';
  exclude: string[];
  /** Columns an import only ever adds elements to (text[]). */
  sets: string[];
  entryLists: EntryList[];
  /** Columns that are one value together: put back together or not at all. */
  groups: string[][];
  /** Columns computed from others (recomputed, never compared). */
  derived: string[];
  /** The search text of the new values `n` (the row before the revert: `p`). */
  searchText: string;
}

const SHAPES: Record<ImportEntity, RevertShape> = {
  contact: {
    table: 'contacts.contacts',
    resource: 'contacts',
    exclude: CONTACT_AUDIT_EXCLUDE,
    sets: ['tags'],
    entryLists: [
      { column: 'emails', key: 'email', keys: 'email_keys', primary: 'primary_email' },
      { column: 'phones', key: 'number', keys: 'phone_keys', primary: 'primary_phone' },
    ],
    groups: [],
    derived: ['search_text', 'email_keys', 'primary_email', 'phone_keys', 'primary_phone'],
    searchText: contactSearchTextSql({ firstName: 'n.first_name', lastName: 'n.last_name', emailKeys: 'n.email_keys', phoneKeys: 'n.phone_keys', companyIds: 'n.company_ids' }),
  },
  company: {
    table: 'contacts.companies',
    resource: 'companies',
    exclude: COMPANY_AUDIT_EXCLUDE,
    sets: ['domains', 'tags'],
    entryLists: [],
    groups: [['annual_revenue_amount', 'annual_revenue_currency']],
    derived: ['search_text'],
    searchText: `array_to_string(ARRAY[n.name::text] || n.domains, ' ')`,
  },
};

/** What one slice did, and the revert's totals so far (persisted with the slice). */
export interface RevertSliceResult {
  /** Receipt rows this slice reverted (0: nothing was left). */
  n: number;
  reverted: number;
  conflicts: number;
  createdKept: number;
}

/**
 * Undoes one slice of an import's receipt (contacts.import_changes) in the caller's transaction,
 * leaving alone what was done since the import:
 * - a record it updated gets back, field by field, only what the import changed (`after` vs
 *   `before`) and only where it still holds what the import wrote: custom fields key by key,
 *   the tags, domains, emails and phones the import added are taken off (an added email or phone
 *   changed since stays); a field changed since keeps its newer value, and the record counts as
 *   a conflict. A receipt from before `after` existed: put back as a whole when the record has not
 *   changed since the import finished, else left alone (a conflict);
 * - a record it created is deleted for good (it did not exist before) unless it was changed since
 *   the import (its values differ from the receipt's fingerprint of the record as the import left
 *   it; receipts without one: its version moved on): then it is kept, and counted as a conflict
 *   and as kept.
 * Every change is audited; the slice's receipt rows are removed and the import's revert counts
 * moved forward in the same statement, so a revert that stops half-way resumes with what is left
 * and reports what every attempt did.
 */
@Injectable()
export class ImportRevertWriter {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Receipt rows not reverted yet. */
  async remaining(importId: string): Promise<number> {
    const [row]: { n: number }[] = await this.txHost.tx.query(`SELECT count(*)::int AS n FROM contacts.import_changes WHERE import_id = $1`, [importId]);
    return row?.n ?? 0;
  }

  /** Reverts up to `limit` changes. */
  async revertSlice(importId: string, entity: ImportEntity, actor: Actor, limit: number): Promise<RevertSliceResult> {
    const tx = this.txHost.tx;
    const metadata = tx.connection.getMetadata(entity === 'contact' ? ContactEntity : CompanyEntity);
    const shape = SHAPES[entity];
    const { table, resource, exclude } = shape;
    const columns = metadata.columns.map((c) => c.databaseName).filter((c) => !NOT_RESTORED.has(c));
    const special = new Set([...shape.sets, ...shape.entryLists.map((l) => l.column), ...shape.derived, 'custom_fields', ...shape.groups.flat()]);
    const groups = [...shape.groups, ...columns.filter((c) => !special.has(c)).map((c) => [c])];
    const plan = planSql(shape, groups, columns);
    const compared = columns.filter((c) => c !== 'search_text');
    const rows: (RevertSliceResult & { renamed: string[] | null })[] = await tx.query(
      `WITH slice AS MATERIALIZED (
         SELECT record_id, action, before, after FROM contacts.import_changes WHERE import_id = $1 ORDER BY record_id LIMIT $2 FOR UPDATE),
       -- Read (and locked) before the statements below change the rows: \`restored\` joins it, so it runs first.
       prev AS MATERIALIZED (
         SELECT t.* FROM ${table} t WHERE t.id IN (SELECT record_id FROM slice) FOR UPDATE OF t),
       created AS MATERIALIZED (
         SELECT p.id, CASE WHEN jsonb_typeof(s.after -> '${FINGERPRINT_KEY}') = 'string' THEN ${recordFingerprintSql('to_jsonb(p)')} <> s.after ->> '${FINGERPRINT_KEY}'
                           ELSE p.version <> COALESCE((s.after ->> 'version')::int, 1) END AS edited
           FROM slice s JOIN prev p ON p.id = s.record_id WHERE s.action = 'created'),
       removed AS (
         DELETE FROM ${table} t USING created c WHERE t.id = c.id AND NOT c.edited AND NOT ${KEPT_EVIDENCE[entity]} RETURNING t.*),
       binned AS (
         UPDATE ${table} t SET deleted_at = now(), version = t.version + 1, updated_at = now()
           FROM created c WHERE t.id = c.id AND NOT c.edited AND t.deleted_at IS NULL AND ${KEPT_EVIDENCE[entity]}
         RETURNING t.*),
       plan AS MATERIALIZED (${plan}),
       restored AS (
         UPDATE ${table} t SET ${columns.map((c) => `"${c}" = pl."${c}"`).join(', ')}, version = t.version + 1, updated_at = now()
           FROM plan pl
          WHERE t.id = pl.id AND ROW(${compared.map((c) => `t."${c}"`).join(', ')}) IS DISTINCT FROM ROW(${compared.map((c) => `pl."${c}"`).join(', ')})
         RETURNING t.*),
       audit_removed AS (
         INSERT INTO platform.audit_log (id, actor_type, actor_id, request_id, resource, record_id, action, changes)
         SELECT ${SQL_UUID_V7}, $3, $4, $5, '${resource}', r.id, 'delete', ${auditDeleteDiffSql(auditSnapshotSql(metadata, 'r', exclude))} FROM removed r),
       audit_binned AS (
         INSERT INTO platform.audit_log (id, actor_type, actor_id, request_id, resource, record_id, action, changes)
         SELECT ${SQL_UUID_V7}, $3, $4, $5, '${resource}', b.id, 'delete', jsonb_build_object('deletedAt', jsonb_build_object('from', NULL, 'to', to_jsonb(b.deleted_at))) FROM binned b),
       audit_restored AS (
         INSERT INTO platform.audit_log (id, actor_type, actor_id, request_id, resource, record_id, action, changes)
         SELECT ${SQL_UUID_V7}, $3, $4, $5, '${resource}', u.id, 'update',
                ${auditUpdateDiffSql(auditSnapshotSql(metadata, 'p', exclude), auditSnapshotSql(metadata, 'u', exclude))}
           FROM restored u JOIN prev p ON p.id = u.id),
       done AS (
         DELETE FROM contacts.import_changes c USING slice s WHERE c.import_id = $1 AND c.record_id = s.record_id),
       counts AS (
         SELECT (SELECT count(*)::int FROM slice) AS n,
                (SELECT count(*)::int FROM created WHERE edited) AS kept,
                (SELECT count(*)::int FROM plan WHERE conflict) AS conflicts),
       totals AS (
         UPDATE contacts.imports i SET reverted_count = i.reverted_count + k.n, revert_conflicts = i.revert_conflicts + k.conflicts + k.kept,
                revert_created_kept = i.revert_created_kept + k.kept
           FROM counts k WHERE i.id = $1
         RETURNING i.reverted_count, i.revert_conflicts, i.revert_created_kept)
       SELECT k.n, tt.reverted_count AS reverted, tt.revert_conflicts AS conflicts, tt.revert_created_kept AS "createdKept",
              ${entity === 'company' ? `(SELECT array_agg(u.id::text) FROM restored u JOIN prev p ON p.id = u.id WHERE u.name IS DISTINCT FROM p.name)` : 'NULL::text[]'} AS renamed
         FROM counts k LEFT JOIN totals tt ON TRUE`,
      [importId, limit, actor.type, actor.id.slice(0, 64), `import:${importId}:revert`],
    );
    const row = rows[0];
    if (row?.renamed?.length) await refreshContactSearchText(this.txHost, row.renamed);
    return { n: row?.n ?? 0, reverted: row?.reverted ?? 0, conflicts: row?.conflicts ?? 0, createdKept: row?.createdKept ?? 0 };
  }
}

const lit = (s: string) => `'${s}'`;

/**
 * The new values of every record the slice's receipt says the import updated (`id`, `conflict`,
 * then one column per restorable column), as one SELECT over `slice` and `prev`. In it: `u.b` the
 * before-image, `u.a` what the import wrote (null: unknown, the record is left alone), `u.c` the
 * record now (all jsonb, compared as jsonb), `p` the record now, `bb` the before-image as a row.
 */
function planSql(shape: RevertShape, groups: string[][], columns: string[]): string {
  const decisions: string[] = [];
  const conflicts: string[] = ['u.a IS NULL'];
  const values = new Map<string, string>();
  groups.forEach((group, i) => {
    // The import changed the group: a member it wrote differs from the before-image (which has it).
    const changed = `COALESCE(${group.map((c) => `(u.b ? ${lit(c)} AND u.a ? ${lit(c)} AND (u.a -> ${lit(c)}) IS DISTINCT FROM (u.b -> ${lit(c)}))`).join(' OR ')}, false)`;
    // …and every member still holds what the import left there.
    let still = `COALESCE(${group.map((c) => `((u.c -> ${lit(c)}) IS NOT DISTINCT FROM CASE WHEN u.a ? ${lit(c)} THEN u.a -> ${lit(c)} ELSE u.b -> ${lit(c)} END)`).join(' AND ')}, false)`;
    // An external id another live record took since cannot come back.
    if (group.includes('external_id')) {
      still = `(${still} AND (p.deleted_at IS NOT NULL OR bb.external_id IS NULL OR NOT EXISTS (SELECT 1 FROM ${shape.table} x WHERE x.external_id = bb.external_id AND x.deleted_at IS NULL AND x.id <> p.id)))`;
    }
    decisions.push(`(${changed} AND ${still}) AS r${i}`, `(${changed} AND NOT ${still}) AS x${i}`);
    conflicts.push(`d.x${i}`);
    for (const c of group) values.set(c, `CASE WHEN d.r${i} AND u.b ? ${lit(c)} THEN bb."${c}" ELSE p."${c}" END`);
  });

  // Custom fields, key by key: a key the import changed goes back (or away) while it holds what the import wrote.
  const cfLateral = `CROSS JOIN LATERAL (
      SELECT COALESCE(bool_or(NOT x.still), false) AS conflict,
             CASE WHEN bool_or(x.still) THEN (p.custom_fields - array_agg(x.k) FILTER (WHERE x.still))
                    || COALESCE(jsonb_object_agg(x.k, u.b -> 'custom_fields' -> x.k) FILTER (WHERE x.still AND (u.b -> 'custom_fields') ? x.k), '{}'::jsonb)
                  ELSE p.custom_fields END AS val
        FROM (SELECT ks.k, (p.custom_fields -> ks.k) IS NOT DISTINCT FROM (u.a -> 'custom_fields' -> ks.k) AS still
                FROM (SELECT jsonb_object_keys(u.a -> 'custom_fields') UNION SELECT jsonb_object_keys(u.b -> 'custom_fields')) ks(k)
               WHERE u.a ? 'custom_fields' AND u.b ? 'custom_fields' AND (u.a -> 'custom_fields' -> ks.k) IS DISTINCT FROM (u.b -> 'custom_fields' -> ks.k)) x) cf`;
  values.set('custom_fields', 'cf.val');
  conflicts.push('cf.conflict');

  // Sets: the elements the import added (in what it wrote, not in the before-image) are taken off.
  for (const c of shape.sets) {
    values.set(
      c,
      `CASE WHEN u.a ? ${lit(c)} AND u.b ? ${lit(c)} THEN ARRAY(SELECT e.v FROM unnest(p."${c}") WITH ORDINALITY e(v, o)
         WHERE NOT ((u.a -> ${lit(c)}) ? e.v AND NOT (u.b -> ${lit(c)}) ? e.v) ORDER BY e.o) ELSE p."${c}" END`,
    );
  }

  // Emails and phones: an entry the import added goes while it is as the import wrote it (one
  // changed since stays: a conflict); the keys and the primary follow the list, which keeps one primary.
  const listLaterals = shape.entryLists.map((l, i) => {
    const added = `SELECT ad.v FROM jsonb_array_elements(CASE WHEN u.a ? ${lit(l.column)} AND u.b ? ${lit(l.column)} THEN u.a -> ${lit(l.column)} END) ad(v)
                    WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(u.b -> ${lit(l.column)}) be(v) WHERE be.v ->> '${l.key}' = ad.v ->> '${l.key}')`;
    values.set(l.column, `CASE WHEN l${i}.dropped THEN l${i}.list ELSE p."${l.column}" END`);
    values.set(l.keys, `CASE WHEN l${i}.dropped THEN ARRAY(SELECT e.v ->> '${l.key}' FROM jsonb_array_elements(l${i}.list) WITH ORDINALITY e(v, o) ORDER BY e.o) ELSE p."${l.keys}" END`);
    values.set(l.primary, `CASE WHEN l${i}.dropped THEN (SELECT e.v ->> '${l.key}' FROM jsonb_array_elements(l${i}.list) e(v) WHERE (e.v ->> 'primary')::boolean LIMIT 1) ELSE p."${l.primary}" END`);
    conflicts.push(`k${i}.conflict`);
    return `CROSS JOIN LATERAL (
      SELECT COALESCE(bool_or(e.state = 'conflict'), false) AS conflict, COALESCE(bool_or(e.state = 'drop'), false) AS dropped,
             COALESCE(jsonb_agg(e.v ORDER BY e.o) FILTER (WHERE e.state <> 'drop'), '[]'::jsonb) AS kept
        FROM (SELECT cur.v, cur.o, COALESCE((SELECT CASE WHEN bool_or(ad.v = cur.v) THEN 'drop' WHEN count(*) > 0 THEN 'conflict' END FROM (${added}) ad WHERE ad.v ->> '${l.key}' = cur.v ->> '${l.key}'), 'keep') AS state
                FROM jsonb_array_elements(p."${l.column}") WITH ORDINALITY cur(v, o)) e) k${i}
    CROSS JOIN LATERAL (
      SELECT k${i}.dropped, CASE WHEN jsonb_array_length(k${i}.kept) > 0 AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(k${i}.kept) e(v) WHERE (e.v ->> 'primary')::boolean)
                                 THEN jsonb_set(k${i}.kept, '{0,primary}', 'true') ELSE k${i}.kept END AS list) l${i}`;
  });

  const derivedHere = new Set(shape.entryLists.flatMap((l) => [l.keys, l.primary]));
  const newValues = columns
    .filter((c) => c !== 'search_text')
    .map((c) => {
      const v = values.get(c);
      if (v === undefined && !derivedHere.has(c)) throw new Error(`ImportRevertWriter: no rule for ${c}`);
      return `${v ?? `p."${c}"`} AS "${c}"`;
    });
  return `SELECT u.id, (${conflicts.map((c) => `COALESCE(${c}, false)`).join(' OR ')}) AS conflict, n.*, ${columns.includes('search_text') ? `${shape.searchText} AS search_text` : ''}
      FROM (SELECT p.id, s.before AS b, to_jsonb(p) AS c,
                   COALESCE(s.after, CASE WHEN p.updated_at <= (SELECT COALESCE(i.finished_at, 'infinity') FROM contacts.imports i WHERE i.id = $1) THEN to_jsonb(p) END) AS a
              FROM slice s JOIN prev p ON p.id = s.record_id WHERE s.action = 'updated') u
      JOIN prev p ON p.id = u.id
      CROSS JOIN LATERAL jsonb_populate_record(NULL::${shape.table}, u.b) bb
      CROSS JOIN LATERAL (SELECT ${decisions.join(', ')}) d
      ${cfLateral}
      ${listLaterals.join('\n      ')}
      CROSS JOIN LATERAL (SELECT ${newValues.join(', ')}) n`;
}
