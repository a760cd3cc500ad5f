import { Actor, scopeOf, SYSTEM_ACTOR } from './actor';
import { grantsBeyond, normalizePermissions, scopeCovers, validatePermissions } from './permissions';
import { allResources, isKnownResource, RESOURCE_REGISTRY } from './resources';

const actor = (permissions: Actor['permissions'], isAdmin = false): Actor => ({
  type: 'user',
  id: 'u1',
  userId: 'u1',
  roleId: 'r1',
  roleName: 'custom',
  isAdmin,
  teamIds: [],
  permissions,
});

describe('scopeOf', () => {
  it('reads the role and treats a missing entry as none', () => {
    const a = actor({ contacts: { read: 'team' } });
    expect(scopeOf(a, 'contacts', 'read')).toBe('team');
    expect(scopeOf(a, 'contacts', 'delete')).toBe('none');
    expect(scopeOf(a, 'deals', 'read')).toBe('none');
  });

  it('gives admins and the system everything', () => {
    expect(scopeOf(actor({}, true), 'deals', 'delete')).toBe('all');
    expect(scopeOf(SYSTEM_ACTOR, 'users', 'update')).toBe('all');
  });
});

describe('scopeCovers', () => {
  it('orders none < own < team < all', () => {
    expect(scopeCovers('all', 'team')).toBe(true);
    expect(scopeCovers('team', 'own')).toBe(true);
    expect(scopeCovers('own', 'team')).toBe(false);
    expect(scopeCovers('none', 'own')).toBe(false);
    expect(scopeCovers('own', 'none')).toBe(true);
  });
});

describe('validatePermissions', () => {
  it('accepts known resources, actions and scopes', () => {
    expect(validatePermissions({ contacts: { read: 'all', update: 'own' }, users: { read: 'none' } })).toEqual([]);
  });

  it('names every bad field', () => {
    expect(validatePermissions({ ships: { read: 'all' }, contacts: { fly: 'all', read: 'most' }, deals: 'all' })).toEqual([
      { field: 'permissions.ships', message: 'is not a known resource' },
      { field: 'permissions.contacts.fly', message: 'is not an action (read, create, update, delete)' },
      { field: 'permissions.contacts.read', message: 'must be one of all, team, own, none' },
      { field: 'permissions.deals', message: 'must be an object of action → scope' },
    ]);
  });

  it('refuses non-objects and prototype tricks', () => {
    expect(validatePermissions([])).toEqual([{ field: 'permissions', message: expect.any(String) }]);
    expect(validatePermissions(null)).toHaveLength(1);
    expect(validatePermissions(JSON.parse('{"__proto__": {"read": "all"}}'))).toEqual([{ field: 'permissions.__proto__', message: 'is not a known resource' }]);
  });
});

describe('normalizePermissions', () => {
  it('drops none and empty entries and orders resources as the registry', () => {
    expect(normalizePermissions({ deals: { read: 'none' }, users: { read: 'all', delete: 'none' }, contacts: { update: 'own' } })).toEqual({
      users: { read: 'all' },
      contacts: { update: 'own' },
    });
    expect(Object.keys(normalizePermissions({ deals: { read: 'all' }, users: { read: 'all' } }))).toEqual(['users', 'deals']);
  });
});

describe('grantsBeyond', () => {
  it('lists what the actor would hand out without holding it', () => {
    const a = actor({ contacts: { read: 'all', update: 'team' } });
    expect(grantsBeyond(a, { contacts: { read: 'team', update: 'team' } })).toEqual([]);
    expect(grantsBeyond(a, { contacts: { update: 'all' }, deals: { read: 'own' } })).toEqual(['contacts.update: all > team', 'deals.read: own > none']);
  });

  it('lets an admin hand out anything', () => {
    expect(grantsBeyond(actor({}, true), { users: { delete: 'all' } })).toEqual([]);
  });
});

describe('RESOURCE_REGISTRY', () => {
  it('has unique names across modules', () => {
    const all = allResources();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('email-templates');
    expect(isKnownResource('constructor')).toBe(false);
    expect(Object.keys(RESOURCE_REGISTRY)).toEqual(['platform', 'contacts', 'sales', 'service', 'marketing', 'analytics']);
  });
});
