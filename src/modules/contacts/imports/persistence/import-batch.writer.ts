import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityMetadata } from 'typeorm';
import { Actor } from '../../../../platform/access/actor';
import { newId } from '../../../../platform/database/columns';
import { normalizePhones } from '../../domain/normalize';
import { CompanyEntity } from '../../persistence/company.entity';
import { ContactEntity } from '../../persistence/contact.entity';
import { MappedCompany, MappedContact, uniquePhones } from '../application/row-mapper';
import { ImportEntity, ImportMode, MatchBy } from '../domain/import-options';
import { EXTERNAL_ID_TAKEN, RowError } from '../domain/import-status';
import { CopyBuffer, copyJson, copyNumber, copyText, copyTextArray } from './copy-text';
import { ImportCompanyMatchRepository, ImportMatchRepository } from './import-match.repository';
import { fingerprintObjectSql } from './import-receipt';
import {
  arrayUnionSql,
  auditCreateDiffSql,
  auditSnapshotSql,
  auditUpdateDiffSql,
  contactSearchTextSql,
  customFieldsMergeSql,
  jsonListUnionSql,
  SqlBuilder,
  SQL_UUID_V7,
} from './import-sql';

/** Columns derived from others, kept out of the audit log (as ContactRepository / CompanyRepository do). */
export const CONTACT_AUDIT_EXCLUDE = ['searchText', 'emailKeys', 'phoneKeys', 'companyIds', 'primaryEmail', 'primaryPhone'];
export const COMPANY_AUDIT_EXCLUDE = ['searchText'];

/** Who writes and how: the same for every batch of one import. */
export interface BatchContext {
  importId: string;
  entity: ImportEntity;
  mode: ImportMode;
  matchBy: MatchBy | null;
  /** The importer: their scope decides what rows may match; they own what is created. */
  actor: Actor;
  /** The CSV column of the external id, to name it in a row's error. */
  externalIdColumn: string;
  /** The CSV columns of emails and phones (contacts), to name them in a row's error. */
  emailColumn?: string;
  phoneColumn?: string;
}

/** Rows of one batch, encoded for COPY, and how many rounds their shared keys need (see RoundPlanner). */
export interface StagedBatch {
  copy: CopyBuffer;
  rounds: number;
  /** Rows whose phones wait for the matched record's country (MappedContact.pendingPhones). */
  pendingPhones?: number;
}

export interface BatchResult {
  created: number;
  updated: number;
  /** Matched rows whose merged values equal the stored ones: nothing written. */
  unchanged: number;
  skipped: number;
  /**
   * Errors of rows refused once matched (an external id another record holds, an ambiguous or
   * forbidden match, a phone the match's country cannot read, a row that would create a record
   * while missing what a new one needs: one error per missing field).
   */
  conflicts: RowError[];
  /** Rows skipped as duplicates of a contact the importer can see, by id (counted in `skipped`). */
  notes: RowError[];
}

/** Row errors of matching, named by the match column; never a cell's value (reports outlive an erasure). */
export const MATCHES_SEVERAL = 'matches more than one contact';
export const MATCHES_FORBIDDEN = 'matches a contact you may not update';
export const duplicateOf = (id: string): string => `skipped: duplicate of ${id}`;

/**
 * Rows of a batch that share a match key (an email, an external id) go to successive rounds, so
 * a later row sees what an earlier one did: the first creates the record, the next one finds it.
 */
export class RoundPlanner {
  private readonly lastRound = new Map<string, number>();
  rounds = 0;

  roundOf(keys: readonly string[]): number {
    let round = 1;
    for (const k of keys) {
      const last = this.lastRound.get(k);
      if (last !== undefined && last >= round) round = last + 1;
    }
    for (const k of keys) this.lastRound.set(k, round);
    if (round > this.rounds) this.rounds = round;
    return round;
  }
}

/** Each row starts with its number, round and the id it creates; `create_errors`: what it lacks to create (MappedContact.createOnly). */
const STAGE_HEAD = ['row_no', 'rnd', 'new_id', 'create_errors'];

/** Emails per GIN lookup when a batch is matched by email (see ImportBatchWriter.match). */
const EMAIL_LOOKUP_CHUNK = 250;

/**
 * Whether the audit entry of a created record lists its values. Off: the entry says who created
 * the record, when, and through which import (`request_id` = `import:<id>`); the values are the
 * record's own, and building a diff per row would cost as much as the insert itself.
 */
const AUDIT_CREATED_VALUES = false;

const CONTACT_STAGE = `
  row_no integer PRIMARY KEY, rnd integer NOT NULL, new_id uuid NOT NULL, create_errors jsonb,
  external_id text, first_name text, last_name text, emails jsonb, email_keys text[], primary_email text,
  phones jsonb, phone_keys text[], primary_phone text, job_title text, street text, city text, region text,
  postal_code text, country text, lifecycle_stage text, source text, tags text[], custom_fields jsonb, search_text text,
  pending_phones jsonb, target_id uuid, action text, err_column text, err_message text, dup_of uuid`;
const CONTACT_COPY = [...STAGE_HEAD, 'external_id', 'first_name', 'last_name', 'emails', 'email_keys', 'primary_email', 'phones', 'phone_keys', 'primary_phone', 'job_title', 'street', 'city', 'region', 'postal_code', 'country', 'lifecycle_stage', 'source', 'tags', 'custom_fields', 'search_text', 'pending_phones'];
/** Plain columns: a value in the row replaces the stored one, a blank cell (NULL here) keeps it. */
const CONTACT_SCALARS = ['external_id', 'first_name', 'last_name', 'job_title', 'street', 'city', 'region', 'postal_code', 'country', 'lifecycle_stage', 'source'];

const COMPANY_STAGE = `
  row_no integer PRIMARY KEY, rnd integer NOT NULL, new_id uuid NOT NULL, create_errors jsonb,
  external_id text, name text, domains text[], industry text, employees integer, annual_revenue_amount numeric, annual_revenue_currency text,
  street text, city text, region text, postal_code text, country text, tags text[], custom_fields jsonb, search_text text,
  target_id uuid, action text, err_column text, err_message text, dup_of uuid`;
const COMPANY_COPY = [...STAGE_HEAD, 'external_id', 'name', 'domains', 'industry', 'employees', 'annual_revenue_amount', 'annual_revenue_currency', 'street', 'city', 'region', 'postal_code', 'country', 'tags', 'custom_fields', 'search_text'];
const COMPANY_SCALARS = ['external_id', 'name', 'industry', 'employees', 'street', 'city', 'region', 'postal_code', 'country'];

const head = (row: number, round: number, newRecordId: string, createOnly: readonly RowError[]) =>
  `${row}\t${round}\t${newRecordId}\t${createOnly.length ? copyJson(createOnly.map(({ column, message }) => ({ column, message }))) : '\\N'}`;
const nonEmpty = (o: Record<string, unknown> | null | undefined) => (o && Object.keys(o).length ? o : null);

/** One contact row as a COPY line of the staging table. */
export function contactLine(c: MappedContact, round: number): string {
  const d = c.data;
  return [
    head(c.row, round, newId(), c.createOnly),
    copyText(c.externalId),
    copyText(d.firstName),
    copyText(d.lastName),
    d.emails?.length ? copyJson(d.emails) : '\\N',
    copyTextArray(d.emailKeys),
    copyText(d.primaryEmail),
    d.phones?.length ? copyJson(d.phones) : '\\N',
    copyTextArray(d.phoneKeys),
    copyText(d.primaryPhone),
    copyText(d.jobTitle),
    copyText(d.street),
    copyText(d.city),
    copyText(d.region),
    copyText(d.postalCode),
    copyText(d.country),
    copyText(d.lifecycleStage),
    copyText(d.source),
    copyTextArray(d.tags),
    copyJson(nonEmpty(d.customFields)),
    copyText(d.searchText),
    copyJson(c.pendingPhones),
  ].join('\t');
}

/** One company row as a COPY line of the staging table. */
export function companyLine(c: MappedCompany, round: number, searchText: string): string {
  const i = c.input;
  const a = i.address ?? {};
  return [
    head(c.row, round, newId(), c.createOnly),
    copyText(i.externalId ?? null),
    copyText(i.name ?? null),
    copyTextArray(i.domains ?? null),
    copyText(i.industry ?? null),
    copyNumber(i.employees ?? null),
    copyText(i.annualRevenue?.amount ?? null),
    copyText(i.annualRevenue?.currency ?? null),
    copyText(a.street || null),
    copyText(a.city || null),
    copyText(a.region || null),
    copyText(a.postalCode || null),
    copyText(a.country || null),
    copyTextArray(i.tags ?? null),
    copyJson(nonEmpty(i.customFields)),
    copyText(searchText),
  ].join('\t');
}

interface EntitySql {
  table: string;
  resource: 'contacts' | 'companies';
  stage: string;
  copyColumns: string[];
  scalars: string[];
  metadata: EntityMetadata;
  auditExclude: string[];
  /** `column = expression` of the merged row for the list-like and computed columns (prev row `p`, staged row `s`). */
  merged(): string[];
  /** The search text of a merged row `m` (with `p`, the row before). */
  searchText(): string;
  /** Columns of an INSERT and their values from a staged row `s` (beyond id, owner, team). */
  insert(): [string, string][];
}

/**
 * Writes one batch of an import, in the caller's transaction: COPY into a temporary staging
 * table, then set-based statements per round (match in the importer's scope, create, update with
 * the before-images kept for a revert, audit). Nothing here runs per row.
 */
@Injectable()
export class ImportBatchWriter {
  private readonly sql: Record<ImportEntity, EntitySql>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly contactScope: ImportMatchRepository,
    private readonly companyScope: ImportCompanyMatchRepository,
  ) {
    const contact: EntitySql = {
      table: 'contacts.contacts',
      resource: 'contacts',
      stage: CONTACT_STAGE,
      copyColumns: CONTACT_COPY,
      scalars: CONTACT_SCALARS,
      get metadata() {
        return txHost.tx.connection.getMetadata(ContactEntity);
      },
      auditExclude: CONTACT_AUDIT_EXCLUDE,
      merged: () => [
        `emails = ${jsonListUnionSql('p.emails', 'p.email_keys', 's.emails', 'email')}`,
        `email_keys = ${arrayUnionSql('p.email_keys', 's.email_keys')}`,
        `primary_email = COALESCE(p.primary_email, s.primary_email)`,
        `phones = ${jsonListUnionSql('p.phones', 'p.phone_keys', 's.phones', 'number')}`,
        `phone_keys = ${arrayUnionSql('p.phone_keys', 's.phone_keys')}`,
        `primary_phone = COALESCE(p.primary_phone, s.primary_phone)`,
        `tags = ${arrayUnionSql('p.tags', 's.tags')}`,
        `custom_fields = ${customFieldsMergeSql('p.custom_fields', 's.custom_fields')}`,
      ],
      searchText: () => contactSearchTextSql({ firstName: 'm.first_name', lastName: 'm.last_name', emailKeys: 'm.email_keys', phoneKeys: 'm.phone_keys', companyIds: 'p.company_ids' }),
      insert: () => [
        ...CONTACT_SCALARS.map((c): [string, string] => [c, `s.${c}`]),
        ['emails', `COALESCE(s.emails, '[]'::jsonb)`],
        ['email_keys', `COALESCE(s.email_keys, '{}')`],
        ['primary_email', 's.primary_email'],
        ['phones', `COALESCE(s.phones, '[]'::jsonb)`],
        ['phone_keys', `COALESCE(s.phone_keys, '{}')`],
        ['primary_phone', 's.primary_phone'],
        ['tags', `COALESCE(s.tags, '{}')`],
        ['custom_fields', `COALESCE(s.custom_fields, '{}'::jsonb)`],
        ['search_text', `COALESCE(s.search_text, '')`],
      ],
    };
    const company: EntitySql = {
      table: 'contacts.companies',
      resource: 'companies',
      stage: COMPANY_STAGE,
      copyColumns: COMPANY_COPY,
      scalars: COMPANY_SCALARS,
      get metadata() {
        return txHost.tx.connection.getMetadata(CompanyEntity);
      },
      auditExclude: COMPANY_AUDIT_EXCLUDE,
      merged: () => [
        `domains = ${arrayUnionSql('p.domains', 's.domains')}`,
        `annual_revenue_amount = CASE WHEN s.annual_revenue_amount IS NULL THEN p.annual_revenue_amount ELSE s.annual_revenue_amount END`,
        `annual_revenue_currency = CASE WHEN s.annual_revenue_amount IS NULL THEN p.annual_revenue_currency ELSE s.annual_revenue_currency END`,
        `tags = ${arrayUnionSql('p.tags', 's.tags')}`,
        `custom_fields = ${customFieldsMergeSql('p.custom_fields', 's.custom_fields')}`,
      ],
      searchText: () => `array_to_string(ARRAY[m.name::text] || m.domains, ' ')`,
      insert: () => [
        ...COMPANY_SCALARS.map((c): [string, string] => [c, `s.${c}`]),
        ['domains', `COALESCE(s.domains, '{}')`],
        ['annual_revenue_amount', 's.annual_revenue_amount'],
        ['annual_revenue_currency', 's.annual_revenue_currency'],
        ['tags', `COALESCE(s.tags, '{}')`],
        ['custom_fields', `COALESCE(s.custom_fields, '{}'::jsonb)`],
        ['search_text', `COALESCE(s.search_text, '')`],
      ],
    };
    this.sql = { contact, company };
  }

  private get tx() {
    return this.txHost.tx;
  }

  private async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const res: unknown = await this.tx.query(sql, params);
    // UPDATE … (no RETURNING) answers [rows, count] through TypeORM.
    return (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number' ? res[0] : res) as T[];
  }

  /** Writes a staged batch; must run inside a transaction (its staging table is temporary: dropped at the end, or at a rollback). */
  async write(ctx: BatchContext, batch: StagedBatch): Promise<BatchResult> {
    const result: BatchResult = { created: 0, updated: 0, unchanged: 0, skipped: 0, conflicts: [], notes: [] };
    if (!batch.copy.rows) return result;
    const e = this.sql[ctx.entity];
    // A batch lost in a crash is lost with its counters (one transaction): the run redoes it, so
    // waiting for the commit to reach the disk buys nothing here.
    await this.query(`SET LOCAL synchronous_commit = off`);
    // The planner's row estimates for a batch's joins (unnested arrays, a temporary table) run
    // into the billions and would have each statement JIT-compiled, which costs far more than
    // running it: half a second per match, every batch.
    await this.query(`SET LOCAL jit = off`);
    await this.query(`CREATE TEMP TABLE import_stage (${e.stage}) ON COMMIT DROP`);
    await this.copy(e, batch.copy.bytes);
    // Statistics of the few columns the statements filter and join on: without them the planner
    // takes a round's thousands of rows for one and joins them in nested loops.
    await this.query(`ANALYZE import_stage (rnd, row_no)`);
    let rounds = batch.rounds;
    for (let round = 1; round <= rounds; round++) {
      await this.match(ctx, e, round);
      if (ctx.mode !== 'create' && (await this.deferRepeatedTargets(round)) > 0) rounds = Math.max(rounds, round + 1);
      await this.decide(ctx, e, round);
      if (batch.pendingPhones) await this.readPendingPhones(ctx, round);
      if (ctx.entity === 'contact' && ctx.mode !== 'update') await this.skipDuplicates(ctx, round);
      await this.query(`ANALYZE import_stage (rnd, action, target_id)`);
      await this.insertCreated(ctx, e, round);
      // Mode `create` skips every matched row: nothing to update.
      if (ctx.mode !== 'create') await this.updateMatched(ctx, e, round);
    }
    // New emails wait in the GIN index's pending list, which every match scans in full: merged
    // now, in bulk, the next batch's match stays an index lookup however large the import.
    if (ctx.entity === 'contact') await this.query(`SELECT gin_clean_pending_list('contacts.contacts_email_keys_gin'::regclass)`);
    const counts = await this.query<{ action: string; n: number }>(`SELECT action, count(*)::int AS n FROM import_stage GROUP BY action`);
    for (const c of counts) {
      if (c.action === 'create') result.created = c.n;
      else if (c.action === 'update') result.updated = c.n;
      else if (c.action === 'unchanged') result.unchanged = c.n;
      else if (c.action === 'skip' || c.action === 'duplicate') result.skipped += c.n;
    }
    const refused = await this.query<{ row_no: number; action: string; err_column: string | null; err_message: string | null; dup_of: string | null; create_errors: RowError[] | null }>(
      `SELECT row_no, action, err_column, err_message, dup_of, create_errors FROM import_stage WHERE action IN ('conflict', 'failed', 'duplicate', 'incomplete') ORDER BY row_no`,
    );
    for (const r of refused) {
      if (r.action === 'conflict') result.conflicts.push({ row: r.row_no, column: ctx.externalIdColumn, message: EXTERNAL_ID_TAKEN });
      else if (r.action === 'incomplete') result.conflicts.push(...(r.create_errors ?? []).map((e) => ({ row: r.row_no, column: e.column, message: e.message })));
      else if (r.action === 'failed') result.conflicts.push({ row: r.row_no, column: r.err_column ?? '', message: r.err_message ?? '' });
      else result.notes.push({ row: r.row_no, column: r.err_column ?? '', message: duplicateOf(r.dup_of as string) });
    }
    result.conflicts.sort((a, b) => a.row - b.row);
    // Dropped now rather than at commit: the batches of a dry run share one transaction, and the
    // next one creates the table again.
    await this.query(`DROP TABLE import_stage`);
    return result;
  }

  private async copy(e: EntitySql, data: Buffer): Promise<void> {
    const runner = this.tx.queryRunner;
    if (!runner) throw new Error('ImportBatchWriter.write needs a transaction');
    const client = (await runner.connect()) as PoolClient;
    const target = client.query(copyFrom(`COPY import_stage (${e.copyColumns.join(', ')}) FROM STDIN`));
    // In 256 KB pieces, paced by the stream's back-pressure.
    const PIECE = 256 * 1024;
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < data.length; i += PIECE) yield data.subarray(i, i + PIECE);
        })(),
      ),
      target,
    );
  }

  /**
   * Sets `target_id` of this round's rows: the record they match within the importer's update
   * scope. By email, every live contact the importer can see counts: a row that finds two is an
   * error, and so is one whose contact the importer may not update (it must not become a second
   * contact with the same email).
   */
  private async match(ctx: BatchContext, e: EntitySql, round: number): Promise<void> {
    const byEmail = ctx.entity === 'contact' && ctx.mode !== 'create' && ctx.matchBy === 'email';
    const byExternalId = ctx.mode === 'create' || ctx.matchBy === 'externalId';
    if (byEmail) {
      const b = new SqlBuilder();
      const candidates = b.embed(this.contactScope.inScope(ctx.actor, 'read', ['id', 'email_keys'], `"r"."email_keys" && ch.ks`));
      const mayUpdate = b.embed(this.contactScope.inScope(ctx.actor, 'update', ['id'], `"r"."id" = c.id`));
      const column = b.p(ctx.emailColumn ?? 'email');
      // The round's emails are looked up EMAIL_LOOKUP_CHUNK at a time: the cost of one GIN scan
      // over an array grows with the square of its length (20,000 emails in one array took about
      // four times as long as in chunks), so batch size does not change the cost per row. A
      // contact found through two chunks appears twice in `cand`; `hit` counts it once.
      await this.query(
        `WITH keys AS (SELECT DISTINCT k FROM import_stage s CROSS JOIN LATERAL unnest(s.email_keys) k WHERE s.rnd = ${round}),
              ch AS (SELECT array_agg(x.k) AS ks FROM (SELECT k, (row_number() OVER ()) / ${EMAIL_LOOKUP_CHUNK} AS n FROM keys) x GROUP BY x.n),
              found AS MATERIALIZED (SELECT DISTINCT c.id, c.email_keys FROM ch CROSS JOIN LATERAL (${candidates}) c),
              cand AS MATERIALIZED (SELECT c.id, c.email_keys, EXISTS (${mayUpdate}) AS may_update FROM found c),
              cand_keys AS (SELECT c.id, c.may_update, k FROM cand c CROSS JOIN LATERAL unnest(c.email_keys) k),
              hit AS (SELECT s.row_no, array_agg(DISTINCT ck.id) AS ids, bool_and(ck.may_update) AS may_update
                        FROM import_stage s CROSS JOIN LATERAL unnest(s.email_keys) sk(k) JOIN cand_keys ck ON ck.k = sk.k
                       WHERE s.rnd = ${round} GROUP BY s.row_no)
         UPDATE import_stage s
            SET target_id = CASE WHEN cardinality(hit.ids) = 1 AND hit.may_update THEN hit.ids[1] END,
                err_column = CASE WHEN cardinality(hit.ids) = 1 AND hit.may_update THEN NULL ELSE ${column} END,
                err_message = CASE WHEN cardinality(hit.ids) > 1 THEN '${MATCHES_SEVERAL}' WHEN NOT hit.may_update THEN '${MATCHES_FORBIDDEN}' END
           FROM hit WHERE s.row_no = hit.row_no`,
        b.values,
      );
    }
    if (byExternalId) {
      const b = new SqlBuilder();
      const scope = ctx.entity === 'contact' ? this.contactScope : this.companyScope;
      const candidates = b.embed(
        scope.inScope(ctx.actor, 'update', ['id', 'external_id'], `"r"."external_id" IN (SELECT external_id FROM import_stage WHERE rnd = ${round} AND external_id IS NOT NULL)`),
      );
      await this.query(
        `UPDATE import_stage s SET target_id = c.id FROM (${candidates}) c
          WHERE s.rnd = ${round} AND s.target_id IS NULL AND s.err_message IS NULL AND c.external_id = s.external_id`,
        b.values,
      );
    }
  }

  /** Two rows of a round that match one record: the later one waits for the next round (it then sees the first one's update). */
  private async deferRepeatedTargets(round: number): Promise<number> {
    const rows = await this.query<{ n: number }>(
      `WITH firsts AS (SELECT DISTINCT ON (target_id) row_no FROM import_stage WHERE rnd = ${round} AND target_id IS NOT NULL ORDER BY target_id, row_no),
            moved AS (UPDATE import_stage s SET rnd = rnd + 1, target_id = NULL
                       WHERE s.rnd = ${round} AND s.target_id IS NOT NULL AND s.row_no NOT IN (SELECT row_no FROM firsts) RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
    );
    return rows[0]?.n ?? 0;
  }

  /** create, update or skip by mode; a row that would take an external id another live record holds is a conflict. */
  private async decide(ctx: BatchContext, e: EntitySql, round: number): Promise<void> {
    const matched = ctx.mode === 'create' ? 'skip' : 'update';
    const unmatched = ctx.mode === 'update' ? 'skip' : 'create';
    // A row that would create a record while missing what a new record needs (a name, a required
    // custom field: MappedContact.createOnly) is refused now that it is known to create; a row
    // that matches is checked like PATCH, where blank cells keep the stored values.
    await this.query(
      `UPDATE import_stage SET action = CASE WHEN err_message IS NOT NULL THEN 'failed' WHEN target_id IS NOT NULL THEN $1 WHEN $2 = 'create' AND create_errors IS NOT NULL THEN 'incomplete' ELSE $2 END
        WHERE rnd = ${round}`,
      [matched, unmatched],
    );
    await this.query(
      `UPDATE import_stage s SET action = 'conflict'
        WHERE s.rnd = ${round} AND s.action IN ('create', 'update') AND s.external_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM ${e.table} x WHERE x.external_id = s.external_id AND x.deleted_at IS NULL AND x.id IS DISTINCT FROM s.target_id)`,
    );
  }

  /**
   * Reads the phones of this round's rows that waited for their match (national numbers, no
   * country in the row) with the matched contact's stored country, as PATCH /contacts would: one
   * read and one write for the round. A row that still has no country (it creates) fails as
   * POST /contacts would refuse it.
   */
  private async readPendingPhones(ctx: BatchContext, round: number): Promise<void> {
    const rows = await this.query<{ row_no: number; pending_phones: string[]; country: string | null }>(
      `SELECT s.row_no, s.pending_phones, t.country FROM import_stage s LEFT JOIN contacts.contacts t ON t.id = s.target_id AND s.action = 'update'
        WHERE s.rnd = ${round} AND s.pending_phones IS NOT NULL AND s.action IN ('create', 'update')`,
    );
    if (!rows.length) return;
    const column = ctx.phoneColumn ?? 'phones';
    const read = rows.map((r) => {
      // A number given twice (once national, once with its +prefix) is one number, as the mapper merges the others.
      const { phones, errors } = normalizePhones(
        uniquePhones(r.pending_phones, r.country).map((number, i) => ({ number, primary: i === 0 })),
        r.country,
      );
      if (errors.length) return { row_no: r.row_no, err_column: column, err_message: errors[0].message };
      return { row_no: r.row_no, phones, phone_keys: phones.map((p) => p.number), primary_phone: phones.find((p) => p.primary)?.number ?? null };
    });
    await this.query(
      `UPDATE import_stage s SET phones = v.phones, phone_keys = v.phone_keys, primary_phone = v.primary_phone, err_column = v.err_column, err_message = v.err_message,
              action = CASE WHEN v.err_message IS NULL THEN s.action ELSE 'failed' END
         FROM jsonb_to_recordset($1::jsonb) AS v(row_no integer, phones jsonb, phone_keys text[], primary_phone text, err_column text, err_message text)
        WHERE s.row_no = v.row_no`,
      [JSON.stringify(read)],
    );
  }

  /**
   * Rows about to create a contact whose email or phone a live contact the importer can see has
   * already: skipped, and reported with that contact's id, as POST /contacts answers 409 with
   * its candidates. One lookup for the round's keys, through the GIN indexes of both lists.
   */
  private async skipDuplicates(ctx: BatchContext, round: number): Promise<void> {
    const b = new SqlBuilder();
    const candidates = b.embed(this.contactScope.inScope(ctx.actor, 'read', ['id', 'created_at', 'email_keys', 'phone_keys'], `("r"."email_keys" && ch.es OR "r"."phone_keys" && ch.ps)`));
    const emailColumn = b.p(ctx.emailColumn ?? 'email');
    const phoneColumn = b.p(ctx.phoneColumn ?? 'phones');
    await this.query(
      `WITH keys AS (SELECT DISTINCT 'e' AS kind, k FROM import_stage s CROSS JOIN LATERAL unnest(s.email_keys) k WHERE s.rnd = ${round} AND s.action = 'create'
                     UNION SELECT DISTINCT 'p', k FROM import_stage s CROSS JOIN LATERAL unnest(s.phone_keys) k WHERE s.rnd = ${round} AND s.action = 'create'),
            ch AS (SELECT array_agg(x.k) FILTER (WHERE x.kind = 'e') AS es, array_agg(x.k) FILTER (WHERE x.kind = 'p') AS ps
                     FROM (SELECT kind, k, (row_number() OVER ()) / ${EMAIL_LOOKUP_CHUNK} AS n FROM keys) x GROUP BY x.n),
            cand AS MATERIALIZED (SELECT DISTINCT c.id, c.created_at, c.email_keys, c.phone_keys FROM ch CROSS JOIN LATERAL (${candidates}) c),
            cand_keys AS (SELECT c.id, c.created_at, 'e' AS kind, k FROM cand c CROSS JOIN LATERAL unnest(c.email_keys) k
                          UNION ALL SELECT c.id, c.created_at, 'p', k FROM cand c CROSS JOIN LATERAL unnest(c.phone_keys) k),
            row_keys AS (SELECT s.row_no, 'e' AS kind, k FROM import_stage s CROSS JOIN LATERAL unnest(s.email_keys) k WHERE s.rnd = ${round} AND s.action = 'create'
                         UNION ALL SELECT s.row_no, 'p', k FROM import_stage s CROSS JOIN LATERAL unnest(s.phone_keys) k WHERE s.rnd = ${round} AND s.action = 'create'),
            hit AS (SELECT DISTINCT ON (rk.row_no) rk.row_no, ck.id, ck.kind
                      FROM row_keys rk JOIN cand_keys ck ON ck.kind = rk.kind AND ck.k = rk.k
                     ORDER BY rk.row_no, ck.kind, ck.created_at, ck.id)
       UPDATE import_stage s SET action = 'duplicate', dup_of = hit.id, err_column = CASE WHEN hit.kind = 'e' THEN ${emailColumn} ELSE ${phoneColumn} END
         FROM hit WHERE s.row_no = hit.row_no`,
      b.values,
    );
  }

  private auditColumns(): string {
    return 'id, actor_type, actor_id, request_id, resource, record_id, action, changes';
  }

  private async insertCreated(ctx: BatchContext, e: EntitySql, round: number): Promise<void> {
    const b = new SqlBuilder();
    const cols = e.insert();
    const importId = b.p(ctx.importId);
    const owner = b.p(ctx.actor.userId);
    const team = b.p(ctx.actor.teamIds[0] ?? null);
    const actorType = b.p(ctx.actor.type);
    const actorId = b.p(ctx.actor.id.slice(0, 64));
    const requestId = b.p(`import:${ctx.importId}`);
    await this.query(
      `WITH ins AS (
         INSERT INTO ${e.table} AS t (id, owner_id, team_id, ${cols.map(([c]) => c).join(', ')})
         SELECT s.new_id, ${owner}::uuid, ${team}::uuid, ${cols.map(([, v]) => v).join(', ')}
           FROM import_stage s WHERE s.rnd = ${round} AND s.action = 'create'
         RETURNING ${AUDIT_CREATED_VALUES ? 't.*' : 't.id'}, ${fingerprintObjectSql('to_jsonb(t)')} AS receipt_after),
       receipt AS (INSERT INTO contacts.import_changes (import_id, record_id, action, after) SELECT ${importId}::uuid, ins.id, 'created', ins.receipt_after FROM ins)
       INSERT INTO platform.audit_log (${this.auditColumns()})
       SELECT ${SQL_UUID_V7}, ${actorType}, ${actorId}, ${requestId}, '${e.resource}', ins.id, 'create', ${AUDIT_CREATED_VALUES ? auditCreateDiffSql(auditSnapshotSql(e.metadata, 'ins', e.auditExclude)) : 'NULL'}
         FROM ins`,
      b.values,
    );
  }

  private async updateMatched(ctx: BatchContext, e: EntitySql, round: number): Promise<void> {
    const b = new SqlBuilder();
    const importId = b.p(ctx.importId);
    const actorType = b.p(ctx.actor.type);
    const actorId = b.p(ctx.actor.id.slice(0, 64));
    const requestId = b.p(`import:${ctx.importId}`);
    const merged = [...e.scalars.map((c) => `${c} = COALESCE(s.${c}, p.${c})`), ...e.merged()];
    // `m` holds the merged values by column name; the search text is computed from them.
    const mergedSelect = merged.map((assignment) => {
      const [column, ...expr] = assignment.split(' = ');
      return `${expr.join(' = ')} AS ${column}`;
    });
    const columns = merged.map((a) => a.split(' = ')[0]);
    // A row whose merged values are the stored ones changes nothing: it is counted as unchanged
    // and writes nothing (no version, no updated_at, no audit entry, no revert receipt).
    const changed = `ROW(${columns.map((c) => `m.${c}`).join(', ')}) IS DISTINCT FROM ROW(${columns.map((c) => `p.${c}`).join(', ')})`;
    // Each matched record travels with its staged row (`x.cur`, `x.stg`) from the one join that
    // finds it (by primary key) to the audit entry: no statement joins two sets of the batch's size.
    const rows = await this.query<{ renamed: string[] | null }>(
      `WITH prev AS MATERIALIZED (
         SELECT t AS cur, s AS stg FROM import_stage s JOIN ${e.table} t ON t.id = s.target_id
          WHERE s.rnd = ${round} AND s.action = 'update' FOR UPDATE OF t),
       merged AS MATERIALIZED (
         SELECT p.id, s.row_no AS stage_row_no, ${changed} AS changed, to_jsonb(x.cur) AS before_row,
                ${auditSnapshotSql(e.metadata, 'p', e.auditExclude)} AS before_snapshot, m.*, ${e.searchText()} AS search_text
           FROM prev x
           CROSS JOIN LATERAL (SELECT (x.cur).*) p
           CROSS JOIN LATERAL (SELECT (x.stg).*) s
           CROSS JOIN LATERAL (SELECT ${mergedSelect.join(', ')}) m),
       same AS (
         UPDATE import_stage s SET action = 'unchanged' FROM merged m WHERE s.row_no = m.stage_row_no AND NOT m.changed),
       upd AS (
         UPDATE ${e.table} t SET ${columns.map((c) => `${c} = m.${c}`).join(', ')}, search_text = m.search_text, version = t.version + 1, updated_at = now()
           FROM merged m WHERE t.id = m.id AND m.changed
         RETURNING t.*, m.before_snapshot AS import_before, m.before_row AS import_before_row),
       -- The row before the import's first write, and \`after\`: the columns the import changed with
       -- the values it wrote (merged over its later writes) and the record's fingerprint (see
       -- import-receipt), so a revert leaves later edits alone.
       receipt AS (
         INSERT INTO contacts.import_changes AS ic (import_id, record_id, action, before, after)
         SELECT ${importId}::uuid, u.id, 'updated', u.import_before_row,
                (SELECT jsonb_object_agg(a.key, a.value) FROM jsonb_each(to_jsonb(u) - 'import_before' - 'import_before_row') a WHERE a.value IS DISTINCT FROM u.import_before_row -> a.key)
                  || ${fingerprintObjectSql(`to_jsonb(u) - 'import_before' - 'import_before_row'`)}
           FROM upd u
         ON CONFLICT (import_id, record_id) DO UPDATE SET after = COALESCE(ic.after, '{}'::jsonb) || COALESCE(EXCLUDED.after, '{}'::jsonb)),
       audit AS (
         INSERT INTO platform.audit_log (${this.auditColumns()})
         SELECT ${SQL_UUID_V7}, ${actorType}, ${actorId}, ${requestId}, '${e.resource}', u.id, 'update',
                ${auditUpdateDiffSql('u.import_before', auditSnapshotSql(e.metadata, 'u', e.auditExclude))}
           FROM upd u)
       SELECT ${e.resource === 'companies' ? `(SELECT array_agg(u.id::text) FROM upd u WHERE u.name IS DISTINCT FROM (u.import_before->>'name'))` : 'NULL::text[]'} AS renamed`,
      b.values,
    );
    const renamed = rows[0]?.renamed;
    if (renamed?.length) await refreshContactSearchText(this.txHost, renamed);
  }
}

/** Contacts linked to renamed companies carry the new names in their search text (a derived column: no version bump). */
export async function refreshContactSearchText(txHost: TransactionHost<TransactionalAdapterTypeOrm>, companyIds: readonly string[]): Promise<void> {
  await txHost.tx.query(
    `UPDATE contacts.contacts c SET search_text = ${contactSearchTextSql({ firstName: 'c.first_name', lastName: 'c.last_name', emailKeys: 'c.email_keys', phoneKeys: 'c.phone_keys', companyIds: 'c.company_ids' })}
      WHERE c.company_ids && $1::text[]`,
    [[...companyIds]],
  );
}
