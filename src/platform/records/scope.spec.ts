import { Actor } from '../access/actor';
import { SqlParams } from '../query/sql';
import { assignableWithin, scopeCondition, withinScope } from './scope';

const T1 = 't1';
const T2 = 't2';
const me: Actor = { type: 'user', id: 'u1', userId: 'u1', roleId: null, roleName: 'x', isAdmin: false, teamIds: [T1], permissions: {} };

describe('scopeCondition', () => {
  it('renders each scope with bound values only', () => {
    const p = new SqlParams('s');
    expect(scopeCondition('all', me, 'r', p)).toBe('TRUE');
    expect(scopeCondition('none', me, 'r', p)).toBe('FALSE');
    expect(scopeCondition('own', me, 'r', p)).toBe('("r"."owner_id" = :s0)');
    expect(scopeCondition('team', me, 'r', p)).toBe('("r"."team_id" = ANY(:s1) OR "r"."owner_id" = :s2)');
    expect(p.values).toEqual({ s0: 'u1', s1: [T1], s2: 'u1' });
  });

  it('reaches nothing for an actor without user or teams', () => {
    const keyOnly = { ...me, userId: null, teamIds: [] };
    expect(scopeCondition('own', keyOnly, 'r', new SqlParams())).toBe('FALSE');
    expect(scopeCondition('team', keyOnly, 'r', new SqlParams())).toBe('FALSE');
  });
});

describe('assignableWithin', () => {
  it.each([
    ['all', 'other', T2, true],
    ['team', 'other', T1, true],
    ['team', 'u1', T2, false],
    ['team', 'u1', null, true],
    ['team', 'other', null, false],
    ['own', 'u1', T1, true],
    ['own', 'u1', null, true],
    ['own', 'u1', T2, false],
    ['own', 'other', T1, false],
    ['none', 'u1', T1, false],
  ] as const)('%s scope, owner %s, team %s → %s', (scope, owner, team, ok) => {
    expect(assignableWithin(scope, me, owner, team)).toBe(ok);
  });
});

describe('withinScope', () => {
  it('reaches in memory exactly what scopeCondition reaches in SQL', () => {
    expect(withinScope('all', me, 'u2', T2)).toBe(true);
    expect(withinScope('none', me, 'u1', T1)).toBe(false);
    expect(withinScope('own', me, 'u1', T2)).toBe(true);
    expect(withinScope('own', me, 'u2', T1)).toBe(false);
    expect(withinScope('team', me, 'u2', T1)).toBe(true);
    expect(withinScope('team', me, 'u1', null)).toBe(true);
    expect(withinScope('team', me, 'u2', T2)).toBe(false);
    expect(withinScope('team', me, 'u2', null)).toBe(false);
  });
});
