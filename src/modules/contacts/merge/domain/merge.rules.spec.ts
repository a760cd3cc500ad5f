import { mergedInput, MergeSide, restoreInput, undoableState } from './merge.rules';

const side = (id: string, extra: Partial<MergeSide> = {}): MergeSide => ({
  id,
  firstName: null,
  lastName: null,
  jobTitle: null,
  street: null,
  city: null,
  region: null,
  postalCode: null,
  country: null,
  lifecycleStage: null,
  source: null,
  emails: [],
  phones: [],
  tags: [],
  companyLinks: [],
  customFields: {},
  ...extra,
});

describe('mergedInput', () => {
  it('keeps the primary\'s values, fills gaps from duplicates, and honours choices', () => {
    const p = side('p', { firstName: 'Ann', city: 'Riga' });
    const d = side('d', { firstName: 'Anne', lastName: 'Lee', jobTitle: 'CTO', city: 'Tallinn', street: 'Main 1' });
    const input = mergedInput(p, [d], { address: 'd' });
    expect(input).toMatchObject({ firstName: 'Ann', lastName: 'Lee', jobTitle: 'CTO', address: { city: 'Tallinn', street: 'Main 1' } });
    expect(mergedInput(p, [d], { firstName: 'd' }).firstName).toBe('Anne');
  });

  it('unites lists without repeats; only the primary keeps primary flags', () => {
    const p = side('p', { emails: [{ email: 'a@x.example', primary: true, label: null }], tags: ['vip'], customFields: { score: 1 } });
    const d = side('d', {
      emails: [{ email: 'A@x.example', primary: true, label: 'work' }, { email: 'b@x.example', primary: true, label: null }],
      tags: ['vip', 'lead'],
      customFields: { score: 2, level: 'gold' },
      companyLinks: [{ companyId: 'c', role: null }],
    });
    const input = mergedInput(p, [d], {});
    expect(input.emails).toEqual([
      { email: 'a@x.example', primary: true, label: null },
      { email: 'b@x.example', primary: false, label: null },
    ]);
    expect(input.tags).toEqual(['vip', 'lead']);
    // A patch merged by key into what the primary stores: only what it gains.
    expect(input.customFields).toEqual({ level: 'gold' });
    expect(input.companies).toEqual([{ companyId: 'c', role: null }]);
  });
});

describe('restoreInput', () => {
  it('clears custom fields the merge added and leaves the others', () => {
    expect(restoreInput(side('p', { customFields: { score: 1 } }), side('p', { customFields: { score: 1, level: 'gold' } })).customFields).toEqual({ level: null });
  });
});

describe('undoableState', () => {
  it('sees what an undo puts back, a key cleared since as absent, and not the rest', () => {
    const p = side('p', { firstName: 'Ann', customFields: { b: 1, a: 'x' }, emails: [{ email: 'a@x.example', primary: true, label: null }] });
    expect(undoableState({ ...p, customFields: { a: 'x', b: 1, level: null } })).toEqual(undoableState(p));
    expect(undoableState({ ...p, firstName: 'Anne' })).not.toEqual(undoableState(p));
    expect(undoableState({ ...p, emails: [{ email: 'a@x.example', primary: false, label: null }] })).not.toEqual(undoableState(p));
    expect(undoableState({ ...p, customFields: { a: 'y', b: 1 } })).not.toEqual(undoableState(p));
  });
});
