'use strict';
// The yardstick for `npm run bench`: a bare Fastify + pg (+ ioredis) server doing the same
// database work as the box's endpoints, with none of the box's edge (auth, validation, problem
// documents, audit, rate limits, metrics). The box should reach a good fraction of its rate.
//   DATABASE_URL=… REDIS_URL=… PORT=3299 node bench/reference-server.js
const Fastify = require('fastify');
const { Pool } = require('pg');
const Redis = require('ioredis');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE || 10) });
const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const app = Fastify({ logger: false });

// What /health/ready checks: Postgres answers, Redis answers.
app.get('/health/ready', async () => {
  await Promise.all([pool.query('SELECT 1'), redis.ping()]);
  return { status: 'ok', checks: { database: 'up', redis: 'up', migrations: 'up' } };
});

// The first page of users as GET /api/v1/users?limit=50 reads it (same statements as the box's,
// taken from Postgres's statement log): the page in keyset order, the page's team memberships,
// the page's role names. The box also verifies the token and loads the caller (one more query).
const PAGE_SQL = `
  SELECT id, created_at, updated_at, version, deleted_at, email, password_hash, display_name, role_id, status,
         failed_login_count, locked_until, last_login_at
    FROM platform.users
   WHERE deleted_at IS NULL
   ORDER BY created_at ASC, id ASC
   LIMIT $1`;
const MEMBERS_SQL = `
  SELECT tm.user_id, tm.team_id FROM platform.team_members tm
    JOIN platform.teams t ON t.id = tm.team_id AND t.deleted_at IS NULL
   WHERE tm.user_id = ANY($1) ORDER BY tm.team_id`;
const ROLES_SQL = 'SELECT id, name FROM platform.roles WHERE id = ANY($1)';

app.get('/users', async (request) => {
  const limit = Math.min(Number(request.query.limit || 50), 200);
  const { rows } = await pool.query(PAGE_SQL, [limit + 1]);
  const users = rows.slice(0, limit);
  const ids = users.map((u) => u.id);
  const [members, roles] = await Promise.all([
    pool.query(MEMBERS_SQL, [ids]),
    pool.query(ROLES_SQL, [[...new Set(users.map((u) => u.role_id))]]),
  ]);
  const teams = new Map();
  for (const m of members.rows) teams.set(m.user_id, [...(teams.get(m.user_id) || []), m.team_id]);
  const roleName = new Map(roles.rows.map((r) => [r.id, r.name]));
  const iso = (d) => (d ? d.toISOString() : null);
  const data = users.map((u) => ({
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    status: u.status,
    roleId: u.role_id,
    role: roleName.get(u.role_id),
    teamIds: teams.get(u.id) || [],
    lastLoginAt: iso(u.last_login_at),
    lockedUntil: iso(u.locked_until),
    createdAt: iso(u.created_at),
    updatedAt: iso(u.updated_at),
    version: u.version,
    deletedAt: iso(u.deleted_at),
  }));
  const last = users[users.length - 1];
  const hasMore = rows.length > limit;
  return { data, page: { nextCursor: hasMore ? Buffer.from(JSON.stringify([iso(last.created_at), last.id])).toString('base64url') : null, hasMore } };
});

const port = Number(process.env.PORT || 3299);
app.listen({ port, host: '127.0.0.1' }).then(
  () => process.stdout.write(`reference server on 127.0.0.1:${port}\n`),
  (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
const stop = () => app.close().then(() => Promise.all([pool.end(), redis.quit()])).finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
