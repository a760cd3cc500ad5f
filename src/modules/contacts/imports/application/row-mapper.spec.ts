import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { parseImportOptions } from '../domain/import-options';
import { decimalText, mapCompanyRow, mapContactRow, toIsoDate } from './row-mapper';

const row = (cells: Record<string, string>, n = 1) => ({ row: n, cells: new Map(Object.entries(cells).map(([k, v]) => [k.toLowerCase(), v])) });
const defs: CustomFieldShape[] = [
  { key: 'since', type: 'date', required: false, options: [] },
  { key: 'vip', type: 'boolean', required: false, options: [] },
  { key: 'budget', type: 'money', required: false, options: [] },
  { key: 'topics', type: 'multiselect', required: false, options: ['golf', 'wine'] },
];

describe('toIsoDate', () => {
  it('reads day-first dates with any separator and ISO dates or timestamps', () => {
    expect(toIsoDate('1.2.2024', 'dmy')).toBe('2024-02-01');
    expect(toIsoDate('31/12/2023', 'dmy')).toBe('2023-12-31');
    expect(toIsoDate('2024-03-05T10:00:00Z', 'iso')).toBe('2024-03-05');
    expect(toIsoDate('05.03.2024', 'iso')).toBe('05.03.2024');
  });
});

describe('decimalText', () => {
  it('drops thousands separators and reads a lone decimal comma', () => {
    expect(['1.234,50', '1,234.50', '1 234,5', '7,5', '1.000.000', '1,000,000', '-3.25', '42'].map(decimalText)).toEqual(['1234.50', '1234.50', '1234.5', '7.5', '1000000', '1000000', '-3.25', '42']);
  });
});

describe('mapContactRow', () => {
  const opts = parseImportOptions({
    entity: 'contact',
    mapping: JSON.stringify({ Name: 'firstName', Mail: 'email', More: 'emails', Since: 'cf_since', VIP: 'customFields.vip', Budget: 'cf_budget', Cur: 'cf_budget.currency', Topics: 'cf_topics', Stage: 'lifecycleStage' }),
    dateFormat: 'dmy',
  });

  it('normalizes emails (case, repeats), dates, booleans, money and lists', () => {
    const { contact, errors } = mapContactRow(
      row({ Name: ' Ada ', Mail: 'Ada@Example.COM', More: 'ada@example.com; ada@work.example', Since: '02.01.2020', VIP: 'yes', Budget: '1.234,50', Cur: 'eur', Topics: 'golf;wine', Stage: 'Customer' }),
      opts,
      defs,
    );
    expect(errors).toEqual([]);
    expect(contact?.emailKeys).toEqual(['ada@example.com', 'ada@work.example']);
    expect(contact?.data).toMatchObject({ firstName: 'Ada', primaryEmail: 'ada@example.com', lifecycleStage: 'customer' });
    expect(contact?.data.customFields).toEqual({ since: '2020-01-02', vip: true, budget: { amount: '1234.50', currency: 'EUR' }, topics: ['golf', 'wine'] });
  });

  it('names every problem by its CSV column', () => {
    const { contact, errors } = mapContactRow(row({ Name: '', Mail: 'nope', More: 'ok@example.com; nein', Since: '30.02.2020', VIP: 'maybe', Topics: 'golf;chess', Stage: 'boss' }, 7), opts, defs);
    expect(contact).toBeNull();
    expect(errors).toEqual(
      expect.arrayContaining([
        { row: 7, column: 'Mail', message: 'is not an email address' },
        { row: 7, column: 'More', message: 'entry 2 is not an email address' },
        { row: 7, column: 'Since', message: 'must be a date (DD.MM.YYYY, day first)' },
        { row: 7, column: 'VIP', message: 'must be true or false' },
        { row: 7, column: 'Topics', message: expect.stringContaining('item 2 is not one of') },
        { row: 7, column: 'Stage', message: expect.stringContaining('must be one of') },
      ]),
    );
  });

  it('never quotes a cell in a message (reports outlive an erasure)', () => {
    const { errors } = mapContactRow(row({ Name: 'Ada', Mail: 'ada.lovelace-at-home', Topics: 'Lovelace' }), opts, defs);
    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(errors)).not.toMatch(/lovelace/i);
  });

  it('refuses a row with neither name nor email', () => {
    const { errors } = mapContactRow(row({ Name: ' ', Mail: '' }), opts, defs);
    expect(errors).toEqual([{ row: 1, column: 'Name', message: 'a contact needs a first name, a last name or an email' }]);
  });
});

describe('the checks an import shares with the API', () => {
  const opts = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Name: 'firstName', Land: 'country', Since: 'cf_since' }) });

  it('refuses a country that is two letters but no ISO 3166-1 code, naming the column and not the cell', () => {
    for (const code of ['XX', 'zz']) {
      const { contact, errors } = mapContactRow(row({ Name: 'Ada', Land: code }), opts, defs);
      expect(contact).toBeNull();
      expect(errors).toEqual([{ row: 1, column: 'Land', message: 'must be an ISO 3166-1 alpha-2 code' }]);
    }
    expect(mapContactRow(row({ Name: 'Ada', Land: 'gb' }), opts, defs).contact?.data.country).toBe('GB');
    const companies = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Name: 'name', Land: 'country' }) });
    expect(mapCompanyRow(row({ Name: 'Acme', Land: 'XX' }), companies, []).errors).toEqual([{ row: 1, column: 'Land', message: 'must be an ISO 3166-1 alpha-2 code' }]);
  });

  it('refuses a currency that is three letters but no ISO 4217 code (built-in and custom money), naming the column', () => {
    const companies = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Name: 'name', Revenue: 'annualRevenue', Cur: 'annualRevenueCurrency' }) });
    expect(mapCompanyRow(row({ Name: 'Acme', Revenue: '10', Cur: 'ZZZ' }), companies, []).errors).toEqual([{ row: 1, column: 'Cur', message: 'must be an ISO 4217 code such as "EUR"' }]);
    expect(mapCompanyRow(row({ Name: 'Acme', Revenue: '10', Cur: 'eur' }), companies, []).company?.input.annualRevenue).toEqual({ amount: '10', currency: 'EUR' });
    // Custom money: a separate currency column, or the currency in the money cell itself.
    const separate = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Name: 'firstName', Budget: 'cf_budget', Cur: 'cf_budget.currency' }) });
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10', Cur: 'ZZZ' }), separate, defs).errors).toEqual([{ row: 1, column: 'Cur', message: 'must be an ISO 4217 code such as "EUR"' }]);
    const inCell = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Name: 'firstName', Budget: 'cf_budget' }) });
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10 ZZZ' }), inCell, defs).errors).toEqual([{ row: 1, column: 'Budget', message: 'must be an ISO 4217 code such as "EUR"' }]);
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10 USD' }), inCell, defs).errors).toEqual([]);
  });

  it('names the declared date format in a bad date\'s message', () => {
    expect(mapContactRow(row({ Name: 'Ada', Since: '2020-13-45' }), opts, defs).errors).toEqual([{ row: 1, column: 'Since', message: 'must be a date (YYYY-MM-DD)' }]);
    const dmy = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Name: 'firstName', Since: 'cf_since' }), dateFormat: 'dmy' });
    expect(mapContactRow(row({ Name: 'Ada', Since: '31.02.2020' }), dmy, defs).errors).toEqual([{ row: 1, column: 'Since', message: 'must be a date (DD.MM.YYYY, day first)' }]);
  });
});

describe('list cells', () => {
  const tagDefs: CustomFieldShape[] = [{ key: 'regions', type: 'multiselect', required: false, options: ['Sales, EMEA', 'APAC'] }];
  const mapping = JSON.stringify({ Name: 'firstName', Tags: 'tags', Regions: 'cf_regions', Mails: 'emails' });

  it('splits on `;` (what the export writes) and line breaks, so a value keeps its commas', () => {
    const opts = parseImportOptions({ entity: 'contact', mapping });
    const { contact, errors } = mapContactRow(row({ Name: 'Ada', Tags: 'Key account, DACH;VIP\nNew | hot', Regions: 'Sales, EMEA;APAC', Mails: 'a@example.com;b@example.com' }), opts, tagDefs);
    expect(errors).toEqual([]);
    expect(contact?.data.tags).toEqual(['Key account, DACH', 'VIP', 'New | hot']);
    expect(contact?.data.customFields).toEqual({ regions: ['Sales, EMEA', 'APAC'] });
    expect(contact?.emailKeys).toEqual(['a@example.com', 'b@example.com']);
  });

  it('splits on the separator the import declares instead', () => {
    const opts = parseImportOptions({ entity: 'contact', mapping, listSeparator: ',' });
    const { contact } = mapContactRow(row({ Name: 'Ada', Tags: 'Key account; DACH,VIP', Regions: 'APAC', Mails: 'a@example.com, b@example.com' }), opts, tagDefs);
    expect(contact?.data.tags).toEqual(['Key account; DACH', 'VIP']);
    expect(contact?.emailKeys).toEqual(['a@example.com', 'b@example.com']);
    expect(() => parseImportOptions({ entity: 'contact', mapping, listSeparator: '/' })).toThrow();
  });
});

describe('national phone numbers', () => {
  const mapping = JSON.stringify({ Mail: 'email', Tel: 'phone', Land: 'country' });

  it('wait for the matched record\'s country on update and upsert when the row has none', () => {
    for (const mode of ['update', 'upsert']) {
      const opts = parseImportOptions({ entity: 'contact', mapping, mode, matchBy: 'email' });
      const { contact, errors } = mapContactRow(row({ Mail: 'anna@example.com', Tel: '07911 123456' }), opts, []);
      expect(errors).toEqual([]);
      expect(contact?.pendingPhones).toEqual(['07911 123456']);
      expect(contact?.data.phones).toBeUndefined();
    }
  });

  it('are read with the row\'s country, and refused on create without one', () => {
    const update = parseImportOptions({ entity: 'contact', mapping, mode: 'update', matchBy: 'email' });
    const withCountry = mapContactRow(row({ Mail: 'anna@example.com', Tel: '07911 123456', Land: 'GB' }), update, []).contact;
    expect(withCountry).toMatchObject({ pendingPhones: null, data: { phoneKeys: ['+447911123456'] } });
    const create = parseImportOptions({ entity: 'contact', mapping });
    expect(mapContactRow(row({ Mail: 'anna@example.com', Tel: '07911 123456' }), create, []).errors).toEqual([
      { row: 1, column: 'Tel', message: expect.stringContaining('national numbers need the contact\'s country') },
    ]);
  });
});

describe('mapCompanyRow', () => {
  const opts = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Name: 'name', Web: 'domains', Staff: 'employees', Land: 'country' }) });
  it('normalizes domains and counts, and checks the country', () => {
    const ok = mapCompanyRow(row({ Name: 'Acme', Web: 'https://www.Acme.example/x; acme.example', Staff: '1 200', Land: 'de' }), opts, []);
    expect(ok.company?.input).toMatchObject({ name: 'Acme', domains: ['acme.example'], employees: 1200, address: { country: 'DE' } });
    const bad = mapCompanyRow(row({ Name: 'Acme', Staff: 'many', Land: 'Germany' }), opts, []);
    expect(bad.errors.map((e) => e.column)).toEqual(['Staff', 'Land']);
  });
});

describe('external ids', () => {
  it('carries a trimmed external id for contacts and companies, and refuses one over 200 characters', () => {
    const contacts = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Ref: 'externalId', Name: 'firstName' }) });
    expect(mapContactRow(row({ Ref: ' crm-7 ', Name: 'Ada' }), contacts, []).contact).toMatchObject({ externalId: 'crm-7', data: { externalId: 'crm-7', firstName: 'Ada' } });
    expect(mapContactRow(row({ Ref: '', Name: 'Ada' }), contacts, []).contact?.externalId).toBeNull();
    expect(mapContactRow(row({ Ref: 'x'.repeat(201), Name: 'Ada' }), contacts, []).errors).toEqual([{ row: 1, column: 'Ref', message: 'must be at most 200 characters' }]);
    const companies = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Ref: 'externalId', Name: 'name', Web: 'domains' }) });
    expect(mapCompanyRow(row({ Ref: 'erp-1', Name: 'Acme', Web: '' }), companies, []).company?.input.externalId).toBe('erp-1');
    expect(mapCompanyRow(row({ Ref: 'erp-1', Name: 'Acme', Web: 'not a domain' }), companies, []).errors).toEqual([{ row: 1, column: 'Web', message: '"not a domain" is not a domain name' }]);
  });
});
