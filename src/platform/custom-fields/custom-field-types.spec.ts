import { applyCustomValues, checkCustomValue, CustomFieldShape, customFieldSpecs, visibleCustomValues } from './custom-field-types';
import { defineListSpec, RECORD_FIELDS } from '../query/list-spec';
import { parseListQueryString, parseSearchBody } from '../query/list-query';

const def = (key: string, type: CustomFieldShape['type'], extra: Partial<CustomFieldShape> = {}): CustomFieldShape => ({ key, type, required: false, options: [], ...extra });

describe('custom field values', () => {
  it.each([
    ['text', 'hello', true],
    ['text', 5, false],
    ['number', 12.5, true],
    ['number', '12', false],
    ['number', Number.NaN, false],
    ['boolean', false, true],
    ['boolean', 'true', false],
    ['date', '2024-02-29', true],
    ['date', '2023-02-29', false],
    ['date', '2024-2-1', false],
    ['url', 'https://example.com/x', true],
    ['url', 'javascript:alert(1)', false],
    ['email', 'A@Example.com', true],
    ['email', 'nope', false],
    ['money', { amount: '10.50', currency: 'EUR' }, true],
    ['money', { amount: 10.5, currency: 'EUR' }, false],
    ['money', { amount: '10.50', currency: 'eur' }, false],
    ['money', { amount: '10.50', currency: 'EUR', extra: 1 }, false],
    ['money', { amount: '10.50', currency: 'ZZZ' }, false],
    ['money', { amount: '10', currency: 'JPY' }, true],
  ] as Array<[CustomFieldShape['type'], unknown, boolean]>)('%s %j → %s', (type, value, ok) => {
    expect(checkCustomValue(def('f', type), value).ok).toBe(ok);
  });

  it('checks options of select and multiselect fields and de-duplicates multiselect values', () => {
    const select = def('level', 'select', { options: ['bronze', 'gold'] });
    expect(checkCustomValue(select, 'gold')).toEqual({ ok: true, value: 'gold' });
    expect(checkCustomValue(select, 'platinum')).toEqual({ ok: false, message: 'must be one of bronze, gold' });
    const multi = def('tags', 'multiselect', { options: ['a', 'b'] });
    expect(checkCustomValue(multi, ['a', 'a', 'b'])).toEqual({ ok: true, value: ['a', 'b'] });
    expect(checkCustomValue(multi, ['c']).ok).toBe(false);
    expect(checkCustomValue(multi, 'a').ok).toBe(false);
  });

  it('refuses a money currency that is no ISO 4217 code (the check of annualRevenue), naming customFields.<key>.currency', () => {
    const defs = [def('deal', 'money')];
    expect(applyCustomValues(defs, {}, { deal: { amount: '10', currency: 'ZZZ' } }, true).problems).toEqual([{ field: 'customFields.deal.currency', message: 'must be an ISO 4217 code such as "EUR"' }]);
    expect(applyCustomValues(defs, {}, { deal: { amount: '10', currency: 'XX' } }, true).problems).toEqual([{ field: 'customFields.deal.currency', message: 'must be an ISO 4217 code such as "EUR"' }]);
    expect(applyCustomValues(defs, {}, { deal: { amount: 10, currency: 'EUR' } }, true).problems).toEqual([{ field: 'customFields.deal', message: expect.stringContaining('amount') }]);
    expect(applyCustomValues(defs, {}, { deal: { amount: '10.5', currency: 'USD' } }, true)).toEqual({ values: { deal: { amount: '10.5', currency: 'USD' } }, problems: [] });
  });

  it('applies a patch: names each problem customFields.<key>, clears with null, keeps values of removed definitions', () => {
    const defs = [def('level', 'select', { options: ['gold'], required: true }), def('score', 'number')];
    const stored = { level: 'gold', score: 1, legacy: 'kept' };
    expect(applyCustomValues(defs, stored, { score: null }, false)).toEqual({ values: { level: 'gold', legacy: 'kept' }, problems: [] });
    expect(applyCustomValues(defs, stored, { level: null, nope: 1, score: 'x' }, false).problems).toEqual([
      { field: 'customFields.level', message: 'is required' },
      { field: 'customFields.nope', message: 'is not a defined custom field' },
      { field: 'customFields.score', message: 'must be a number' },
    ]);
    expect(applyCustomValues(defs, {}, { score: 2 }, true).problems).toEqual([{ field: 'customFields.level', message: 'is required' }]);
    expect(visibleCustomValues(defs, stored)).toEqual({ level: 'gold', score: 1 });
  });

  it('turns definitions into list spec fields over the jsonb column', () => {
    const spec = defineListSpec({
      resource: 'things',
      softDelete: true,
      fields: { ...RECORD_FIELDS, ...customFieldSpecs([def('level', 'select', { options: ['gold'] }), def('deal', 'money'), def('tags', 'multiselect', { options: ['a'] })], 'custom_fields') },
    });
    expect(spec.fields.get('customFields.level')?.sql('r')).toBe(`("r"."custom_fields" #>> '{level}')`);
    expect(spec.fields.get('customFields.deal')?.sql('r')).toBe(`CAST(("r"."custom_fields" #>> '{deal,amount}') AS numeric)`);
    expect(spec.fields.get('customFields.deal.currency')?.type).toBe('string');
    expect(spec.fields.get('customFields.tags')?.type).toBe('tags');
    expect(spec.fields.get('customFields.tags')?.sortable).toBe(false);
  });

  it('filters a select by any string, so values of a removed option can be found; writes keep to the options', () => {
    const shape = def('level', 'select', { options: ['a', 'c', 'd'] });
    const spec = defineListSpec({ resource: 'things', fields: { ...RECORD_FIELDS, ...customFieldSpecs([shape, def('tags', 'multiselect', { options: ['a'] })], 'custom_fields') } });
    expect(parseListQueryString(spec, { 'filter[customFields.level][eq]': 'b' }).filter).toMatchObject({ kind: 'condition', op: 'eq', value: 'b' });
    expect(parseListQueryString(spec, { 'filter[customFields.level][in]': 'b,a' }).filter).toMatchObject({ kind: 'condition', op: 'in', value: ['b', 'a'] });
    expect(parseSearchBody(spec, { filter: { and: [{ field: 'customFields.level', op: 'nin', value: ['b'] }] } }).filter).toBeTruthy();
    expect(parseListQueryString(spec, { 'filter[customFields.tags][contains]': 'zz' }).filter).toMatchObject({ value: 'zz' });
    // Still a sane string, and only the operators of a select.
    expect(() => parseListQueryString(spec, { 'filter[customFields.level][eq]': 'x'.repeat(1001) })).toThrow();
    expect(() => parseListQueryString(spec, { 'filter[customFields.level][eq]': 'a\u0000' })).toThrow();
    expect(() => parseListQueryString(spec, { 'filter[customFields.level][contains]': 'a' })).toThrow();
    expect(checkCustomValue(shape, 'b')).toEqual({ ok: false, message: 'must be one of a, c, d' });
  });
});
