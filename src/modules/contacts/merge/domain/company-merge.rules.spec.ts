import { CompanyMergeSide, mergedCompanyInput, parentSource, relink, resolveParent, restoreCompanyInput, unlink } from './company-merge.rules';
import { planMerge } from './merge-plan';

const side = (id: string, extra: Partial<CompanyMergeSide> = {}): CompanyMergeSide => ({
  id,
  name: id,
  domains: [],
  industry: null,
  employees: null,
  annualRevenueAmount: null,
  annualRevenueCurrency: null,
  street: null,
  city: null,
  region: null,
  postalCode: null,
  country: null,
  parentCompanyId: null,
  tags: [],
  customFields: {},
  ...extra,
});

describe('planMerge', () => {
  it('lower-cases ids, refuses a repeated one, and names the field of a bad choice', () => {
    expect(planMerge({ primaryId: 'P', duplicateIds: ['D', 'e'], fieldChoices: { name: 'D' } })).toEqual({ primaryId: 'p', duplicateIds: ['d', 'e'], choices: { name: 'd' } });
    expect(() => planMerge({ primaryId: 'p', duplicateIds: ['D', 'd'] })).toThrow(/duplicateIds: must not name the same id twice/);
    expect(() => planMerge({ primaryId: 'p', duplicateIds: ['P'] })).toThrow(/duplicateIds/);
    expect(() => planMerge({ primaryId: 'p', duplicateIds: ['d'], fieldChoices: { name: 'x' } })).toThrow(/fieldChoices\.name/);
  });
});

describe('mergedCompanyInput', () => {
  it('keeps the primary\'s values, fills gaps, honours choices and unites lists', () => {
    const p = side('p', { name: 'Acme', domains: ['acme.example'], tags: ['a'], customFields: { tier: 'gold' } });
    const d = side('d', {
      name: 'ACME Ltd',
      industry: 'Retail',
      domains: ['acme.example', 'acme-ltd.example'],
      annualRevenueAmount: '100.00',
      annualRevenueCurrency: 'EUR',
      city: 'Riga',
      tags: ['b', 'a'],
      customFields: { tier: 'silver', region: 'north' },
    });
    expect(mergedCompanyInput(p, [d], { name: 'd' })).toEqual({
      name: 'ACME Ltd',
      industry: 'Retail',
      employees: null,
      annualRevenue: { amount: '100.00', currency: 'EUR' },
      address: { street: null, city: 'Riga', region: null, postalCode: null, country: null },
      domains: ['acme.example', 'acme-ltd.example'],
      tags: ['a', 'b'],
      customFields: { region: 'north' },
    });
    expect(mergedCompanyInput(p, [d], {}).name).toBe('Acme');
    // Values of removed definitions stay behind.
    expect(mergedCompanyInput(p, [d], {}, new Set(['tier'])).customFields).toEqual({});
  });

  it('restores the snapshot, clearing what the merge added, and the parent only when it changed', () => {
    const snap = side('p', { name: 'Acme', parentCompanyId: 'x', customFields: { tier: 'gold' } });
    const now = side('p', { name: 'ACME Ltd', parentCompanyId: 'x', customFields: { tier: 'gold', region: 'north' } });
    const input = restoreCompanyInput(snap, now);
    expect(input).toMatchObject({ name: 'Acme', customFields: { region: null } });
    expect(input).not.toHaveProperty('parentCompanyId');
    expect(restoreCompanyInput(snap, { ...now, parentCompanyId: null }).parentCompanyId).toBe('x');
  });
});

describe('the primary\'s parent', () => {
  const merged = new Set(['p', 'd']);

  it('comes from the chosen company, else the first that has one', () => {
    const all = [side('p'), side('d', { parentCompanyId: 'x' })];
    expect(parentSource(all, {})).toEqual({ parentId: 'x', chosen: false });
    expect(parentSource([side('p', { parentCompanyId: 'y' }), all[1]], { parentCompanyId: 'p' })).toEqual({ parentId: 'y', chosen: true });
  });

  it('skips merged companies and keeps an ancestor outside the primary\'s tree', () => {
    // p's parent was d, whose parent is x: p takes d's place under x.
    expect(resolveParent(['d', 'x'], merged, new Set(['p']), false)).toBe('x');
    expect(resolveParent(['d'], merged, new Set(['p']), false)).toBeNull();
    expect(resolveParent([], merged, new Set(['p']), false)).toBeNull();
  });

  it('never closes a cycle: by default it climbs, a choice is a 400 naming the field', () => {
    // p -> a -> d -> x: a was d's subsidiary and is now under p.
    expect(resolveParent(['a', 'd', 'x'], merged, new Set(['p', 'a']), false)).toBe('x');
    expect(() => resolveParent(['a', 'd', 'x'], merged, new Set(['p', 'a']), true)).toThrow(/fieldChoices\.parentCompanyId/);
  });

  it('refuses a chosen parent that is one of the merged companies (the primary would be its own parent)', () => {
    // x <- p <- d: choosing d's parent (p itself) for p; by default p keeps x.
    expect(() => resolveParent(['p', 'x'], merged, new Set(['p']), true)).toThrow(/fieldChoices\.parentCompanyId/);
    expect(() => resolveParent(['d', 'x'], merged, new Set(['p']), true)).toThrow(/fieldChoices\.parentCompanyId/);
    expect(resolveParent(['p', 'x'], merged, new Set(['p']), false)).toBe('x');
  });
});

describe('contact links', () => {
  const dups = new Set(['d1', 'd2']);

  it('become one link to the primary, in place, with the role kept', () => {
    const { links, move } = relink('c', [{ companyId: 'o', role: null }, { companyId: 'd1', role: 'billing' }, { companyId: 'd2', role: 'tech' }], dups, 'p');
    expect(links).toEqual([{ companyId: 'o', role: null }, { companyId: 'p', role: 'billing' }]);
    expect(unlink(links, move, 'p')).toEqual([{ companyId: 'o', role: null }, { companyId: 'd1', role: 'billing' }, { companyId: 'd2', role: 'tech' }]);
  });

  it('a contact already linked to the primary keeps its link and role (or takes the duplicate\'s)', () => {
    const kept = relink('c', [{ companyId: 'p', role: 'owner' }, { companyId: 'd1', role: 'billing' }], dups, 'p');
    expect(kept.links).toEqual([{ companyId: 'p', role: 'owner' }]);
    expect(unlink(kept.links, kept.move, 'p')).toEqual([{ companyId: 'p', role: 'owner' }, { companyId: 'd1', role: 'billing' }]);
    const filled = relink('c', [{ companyId: 'p', role: null }, { companyId: 'd1', role: 'billing' }], dups, 'p');
    expect(filled.links).toEqual([{ companyId: 'p', role: 'billing' }]);
    expect(unlink(filled.links, filled.move, 'p')).toEqual([{ companyId: 'p', role: null }, { companyId: 'd1', role: 'billing' }]);
  });

  it('the undo keeps links gained after the merge', () => {
    const { links, move } = relink('c', [{ companyId: 'd1', role: null }], dups, 'p');
    expect(unlink([...links, { companyId: 'n', role: null }], move, 'p')).toEqual([{ companyId: 'd1', role: null }, { companyId: 'n', role: null }]);
  });
});
