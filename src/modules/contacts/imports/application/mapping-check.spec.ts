import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { DomainError } from '../../../../platform/errors/domain-error';
import { parseImportOptions } from '../domain/import-options';
import { checkMapping } from './mapping-check';

const defs: CustomFieldShape[] = [
  { key: 'tier', type: 'select', required: false, options: ['a', 'b'] },
  { key: 'budget', type: 'money', required: false, options: [] },
];
const errorsOf = (mapping: Record<string, string>, headers: string[]) => {
  try {
    checkMapping(parseImportOptions({ entity: 'contact', mapping: JSON.stringify(mapping) }), headers, defs);
  } catch (err) {
    return (err as DomainError).errors;
  }
  return [];
};

describe('checkMapping', () => {
  it('takes a mapping whose columns the header has once each (ignoring case), with known custom fields', () => {
    expect(errorsOf({ Email: 'email', Tier: 'cf_tier', Budget: 'customFields.budget', Cur: 'cf_budget.currency' }, ['email', 'tier', 'budget', 'cur', 'extra', 'extra'])).toEqual([]);
  });

  it('names a mapped column missing from the header or named twice in it', () => {
    expect(errorsOf({ Email: 'email', Telefon: 'phone', First: 'firstName' }, ['email', 'first', 'first'])).toEqual([
      { field: 'mapping.Telefon', message: "is not a column of the file's header" },
      { field: 'mapping.First', message: 'the file has 2 columns named First' },
    ]);
  });

  it('names unknown custom fields and currency columns that cannot apply', () => {
    expect(errorsOf({ first: 'cf_nope', t: 'cf_tier', tc: 'cf_tier.currency', bc: 'cf_budget.currency' }, ['first', 't', 'tc', 'bc'])).toEqual([
      { field: 'mapping.first', message: 'customFields.nope is not a custom field of contacts' },
      { field: 'mapping.tc', message: 'customFields.tier is a select field: only a money field takes a currency column' },
      { field: 'mapping.bc', message: 'a currency column needs a column mapped to customFields.budget (the amount)' },
    ]);
  });

  it('says what is wrong in its message too (a failed job shows only the message)', () => {
    expect(() => checkMapping(parseImportOptions({ entity: 'contact', mapping: '{"Telefon":"phone"}' }), ['email'], defs)).toThrow(
      "The mapping does not fit the file: mapping.Telefon is not a column of the file's header.",
    );
  });
});
