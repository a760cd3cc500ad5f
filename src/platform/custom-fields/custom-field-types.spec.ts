import { applyCustomValues, checkCustomValue, CustomFieldShape, customFieldSpecs, visibleCustomValues } from './custom-field-types';
import { defineListSpec, RECORD_FIELDS } from '../query/list-spec';

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
});
