import { defineListSpec, RECORD_FIELDS } from '../../query/list-spec';
import { USER_STATUSES } from './user.entity';

export const USER_LIST_SPEC = defineListSpec({
  resource: 'users',
  fields: {
    ...RECORD_FIELDS,
    email: { type: 'string', sortable: true, nullable: false },
    displayName: { type: 'string', sortable: true, nullable: false },
    status: { type: 'enum', values: USER_STATUSES },
    roleId: { type: 'uuid' },
    lastLoginAt: { type: 'timestamp', sortable: true },
  },
  defaultSort: 'createdAt',
  search: ['email', 'displayName'],
  softDelete: true,
});

export const TEAM_LIST_SPEC = defineListSpec({
  resource: 'teams',
  fields: { ...RECORD_FIELDS, name: { type: 'string', sortable: true, nullable: false } },
  defaultSort: 'name',
  search: ['name'],
  softDelete: true,
});

export const ROLE_LIST_SPEC = defineListSpec({
  resource: 'roles',
  fields: {
    ...RECORD_FIELDS,
    name: { type: 'string', sortable: true, nullable: false },
    builtIn: { type: 'boolean' },
  },
  defaultSort: 'name',
  search: ['name'],
});

export const API_KEY_LIST_SPEC = defineListSpec({
  resource: 'api-keys',
  fields: {
    ...RECORD_FIELDS,
    name: { type: 'string', sortable: true, nullable: false },
    roleId: { type: 'uuid' },
    createdBy: { type: 'uuid' },
    lastUsedAt: { type: 'timestamp', sortable: true },
    revokedAt: { type: 'timestamp' },
    expiresAt: { type: 'timestamp' },
  },
  defaultSort: '-createdAt',
  search: ['name'],
});
