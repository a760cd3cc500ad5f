import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, Permissions } from '../../access/actor';
import type { CacheVersionSnapshot } from '../../database/cache-versions';
import { poolQuery } from '../../database/pool-query';

export const ADMIN_ROLE = 'admin';

interface ActorRow {
  id: string;
  user_id: string | null;
  role_id: string;
  role_name: string;
  built_in: boolean;
  permissions: Permissions;
  team_ids: string[];
  cache_versions: CacheVersionSnapshot | null;
  last_used_at?: Date | null;
}

export interface ApiKeyActor {
  actor: LoadedActor;
  lastUsedAt: Date | null;
}

/**
 * The caller, and the counters of platform.cache_versions as this same statement read them (the
 * guard puts them in the request context: platform/database/cache-versions.ts).
 */
export type LoadedActor = Actor & { cacheVersions?: CacheVersionSnapshot };

/** Every cache version, read in the actor's statement: one more index-only read, no round trip. */
const CACHE_VERSIONS_SQL = `(SELECT COALESCE(json_object_agg(v.name, v.version::text), '{}'::json) FROM platform.cache_versions v) AS cache_versions`;

const toActor = (type: 'user' | 'apiKey', row: ActorRow): LoadedActor => ({
  type,
  id: row.id,
  userId: row.user_id,
  roleId: row.role_id,
  roleName: row.role_name,
  isAdmin: row.built_in && row.role_name === ADMIN_ROLE,
  teamIds: row.team_ids ?? [],
  permissions: row.permissions ?? {},
  cacheVersions: row.cache_versions ?? {},
});

/**
 * Builds the Actor of a request in one SQL round trip: the user (or the API key and the user who
 * created it), its role's permissions and its live teams. Runs on every authenticated request, so
 * it reads straight from the pool rather than through the request's transaction, skips TypeORM's
 * query runner, and runs as a prepared statement (parsing and planning it cost Postgres more than
 * running it). Nothing is cached: a disabled user or a changed role takes effect on the next
 * request.
 */
@Injectable()
export class ActorLoader {
  constructor(private readonly dataSource: DataSource) {}

  private rows<R>(sql: string, params: unknown[]): Promise<R[]> {
    return poolQuery<R>(this.dataSource, sql, params, { prepare: true });
  }

  /** The actor of an active, not deleted user (jobs, the CLI, sessions); null otherwise. */
  async forUser(userId: string): Promise<Actor | null> {
    const loaded = await this.forUserRequest(userId);
    if (!loaded) return null;
    const { cacheVersions: _versions, ...actor } = loaded;
    return actor;
  }

  /** forUser, with the cache versions the same statement read: for authenticating a request. */
  async forUserRequest(userId: string): Promise<LoadedActor | null> {
    const rows = await this.rows<ActorRow>(
      `SELECT u.id, u.id AS user_id, r.id AS role_id, r.name AS role_name, r.built_in, r.permissions,
              COALESCE(ARRAY(SELECT tm.team_id FROM platform.team_members tm
                               JOIN platform.teams t ON t.id = tm.team_id AND t.deleted_at IS NULL
                              WHERE tm.user_id = u.id ORDER BY tm.team_id), '{}') AS team_ids,
              ${CACHE_VERSIONS_SQL}
         FROM platform.users u
         JOIN platform.roles r ON r.id = u.role_id
        WHERE u.id = $1 AND u.status = 'active' AND u.deleted_at IS NULL`,
      [userId],
    );
    return rows[0] ? toActor('user', rows[0]) : null;
  }

  /**
   * The actor of a live API key (not revoked, not expired). It acts with its own role; as its
   * `userId` and teams it carries the user who created it, who owns what it creates.
   */
  async forApiKey(keyHash: string): Promise<ApiKeyActor | null> {
    const rows = await this.rows<ActorRow>(
      `SELECT k.id, k.created_by AS user_id, r.id AS role_id, r.name AS role_name, r.built_in, r.permissions, k.last_used_at,
              COALESCE(ARRAY(SELECT tm.team_id FROM platform.team_members tm
                               JOIN platform.teams t ON t.id = tm.team_id AND t.deleted_at IS NULL
                              WHERE tm.user_id = k.created_by ORDER BY tm.team_id), '{}') AS team_ids,
              ${CACHE_VERSIONS_SQL}
         FROM platform.api_keys k
         JOIN platform.roles r ON r.id = k.role_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
      [keyHash],
    );
    return rows[0] ? { actor: toActor('apiKey', rows[0]), lastUsedAt: rows[0].last_used_at ?? null } : null;
  }

  /**
   * Records that a key was used, at most once a minute per key (the WHERE makes concurrent
   * replicas agree), so a busy integration does not turn every read into a write.
   */
  async touchApiKey(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE platform.api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
