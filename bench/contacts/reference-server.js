'use strict';
// The yardstick for the contacts benchmark (bench/contacts/run.js): a bare Fastify + pg server
// running the box's own list statement on the same data, with none of the box's edge (auth,
// scopes, validation, problem documents, audit, rate limits, metrics, signed cursors).
//   DATABASE_URL=… PORT=3298 node bench/contacts/reference-server.js
//
// GET /contacts?city=Lyon&limit=50[&after=<createdAt>,<id>][&teamIds=<id>,…&ownerId=<id>]: one
// keyset page in -createdAt order, filtered by city (and by a team scope), in the box's JSON shape. The SQL is the statement the box sends for
// GET /api/v1/contacts?filter[city][eq]=…&limit=…&cursor=… (taken from Postgres's statement log
// with log_statement = 'all'), with the caller's scope condition.
const Fastify = require('fastify');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE || 10) });
const app = Fastify({ logger: false });

// Every column of the table, as the box selects every column of the entity (its migrations and
// entities agree: the migrations spec checks it), plus the sort keys read back as text.
let COLUMNS = '';
const columnList = async () => {
  const { rows } = await pool.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'contacts' AND table_name = 'contacts' ORDER BY ordinal_position`,
  );
  return [...rows.map((r) => `"r"."${r.column_name}" AS "r_${r.column_name}"`), 'CAST("r"."created_at" AS text) AS "lq_sort_0"', 'CAST("r"."id" AS text) AS "lq_sort_1"'].join(', ');
};
const ORDER = `ORDER BY "r"."created_at" DESC, "r"."id" DESC`;
// The scope: an admin's is TRUE; a team-scoped user's, its teams or its own records.
const SCOPE_ALL = 'TRUE';
const SCOPE_TEAM = '("r"."team_id" = ANY($3) OR "r"."owner_id" = $4)';
const sql = (scope, after) => {
  const n = scope === SCOPE_ALL ? 3 : 5;
  const keyset = after ? ` AND (("r"."created_at", "r"."id") < (CAST($${n} AS timestamptz), CAST($${n + 1} AS uuid)))` : '';
  return `SELECT ${COLUMNS} FROM "contacts"."contacts" "r" WHERE ${scope} AND "r"."deleted_at" IS NULL AND ("r"."city" = $1)${keyset} ${ORDER} LIMIT $2`;
};
let STATEMENTS;

const iso = (d) => (d ? d.toISOString() : null);

function toContact(r) {
  return {
    id: r.r_id,
    ...('r_external_id' in r ? { externalId: r.r_external_id } : {}),
    firstName: r.r_first_name,
    lastName: r.r_last_name,
    emails: r.r_emails,
    phones: r.r_phones,
    primaryEmail: r.r_primary_email,
    primaryPhone: r.r_primary_phone,
    jobTitle: r.r_job_title,
    address: { street: r.r_street, city: r.r_city, region: r.r_region, postalCode: r.r_postal_code, country: r.r_country },
    lifecycleStage: r.r_lifecycle_stage,
    source: r.r_source,
    tags: r.r_tags,
    companies: r.r_company_links,
    customFields: r.r_custom_fields,
    ownerId: r.r_owner_id,
    teamId: r.r_team_id,
    createdAt: iso(r.r_created_at),
    updatedAt: iso(r.r_updated_at),
    version: r.r_version,
    deletedAt: iso(r.r_deleted_at),
  };
}

app.get('/contacts', async (request) => {
  const limit = Math.min(Number(request.query.limit || 50), 200);
  const city = String(request.query.city || '');
  const after = request.query.after ? String(request.query.after).split(',') : null;
  const team = request.query.teamIds ? [String(request.query.teamIds).split(','), String(request.query.ownerId)] : null;
  const statements = team ? STATEMENTS.team : STATEMENTS.all;
  const params = [city, limit + 1, ...(team ?? []), ...(after ?? [])];
  const { rows } = await pool.query(after ? statements.after : statements.first, params);
  const page = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last = page[page.length - 1];
  return {
    data: page.map(toContact),
    page: { nextCursor: hasMore ? Buffer.from(JSON.stringify([last.lq_sort_0, last.lq_sort_1])).toString('base64url') : null, hasMore },
  };
});

app.get('/health/ready', async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});

const port = Number(process.env.PORT || 3298);
columnList()
  .then((columns) => {
    COLUMNS = columns;
    STATEMENTS = {
      all: { first: sql(SCOPE_ALL, false), after: sql(SCOPE_ALL, true) },
      team: { first: sql(SCOPE_TEAM, false), after: sql(SCOPE_TEAM, true) },
    };
    return app.listen({ port, host: '127.0.0.1' });
  })
  .then(
  () => process.stdout.write(`contacts reference server on 127.0.0.1:${port}\n`),
  (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
const stop = () => app.close().then(() => pool.end()).finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
