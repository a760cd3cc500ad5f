import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { parseImportOptions } from '../domain/import-options';
import { decimalText, mapCompanyRow, mapContactRow, splitList, toIsoDate, uniquePhones } from './row-mapper';
import { escapeListValue } from './csv-columns';

const row = (cells: Record<string, string>, n = 1) => ({ row: n, cells: new Map(Object.entries(cells).map(([k, v]) => [k.toLowerCase(), v])) });
const defs: CustomFieldShape[] = [
  { key: 'since', type: 'date', required: false, options: [] },
  { key: 'vip', type: 'boolean', required: false, options: [] },
  { key: 'budget', type: 'money', required: false, options: [] },
  { key: 'topics', type: 'multiselect', required: false, options: ['golf', 'wine'] },
];

describe('toIsoDate', () => {
  it('reads day-first dates with any separator and ISO dates; leaves anything else (timestamps too) for the date check to refuse', () => {
    expect(toIsoDate('1.2.2024', 'dmy')).toBe('2024-02-01');
    expect(toIsoDate('31/12/2023', 'dmy')).toBe('2023-12-31');
    expect(toIsoDate(' 2024-03-05 ', 'iso')).toBe('2024-03-05');
    expect(toIsoDate('2024-03-05T10:00:00Z', 'iso')).toBe('2024-03-05T10:00:00Z');
    expect(toIsoDate('05.03.2024', 'iso')).toBe('05.03.2024');
  });

  it('makes a timestamp in a date column a row error naming the column, as POST /contacts refuses it', () => {
    const opts = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Name: 'firstName', Since: 'cf_since' }) });
    for (const cell of ['2024-12-31T01:00:00+03:00', '2024-12-31 10:00']) {
      expect(mapContactRow(row({ Name: 'Ada', Since: cell }), opts, defs).errors).toEqual([{ row: 1, column: 'Since', message: 'must be a date (YYYY-MM-DD)' }]);
    }
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

describe('what a new record needs, on rows that may match', () => {
  const freq: CustomFieldShape[] = [{ key: 'freq', type: 'select', required: true, options: ['weekly', 'monthly'] }];

  it('holds a company row without a name or a required custom field for the writer on update and upsert, and refuses it on create', () => {
    for (const mode of ['update', 'upsert']) {
      const opts = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Ext: 'externalId', City: 'city' }), mode, matchBy: 'externalId' });
      const { company, errors } = mapCompanyRow(row({ Ext: 'C5', City: 'Bergen' }), opts, freq);
      expect(errors).toEqual([]);
      expect(company?.input).toMatchObject({ externalId: 'C5', address: { city: 'Bergen' } });
      expect(company?.input.name).toBeUndefined();
      expect(company?.createOnly).toEqual([
        { row: 1, column: 'name', message: 'is required' },
        { row: 1, column: 'customFields.freq', message: 'is required' },
      ]);
      // A blank Name cell: named by its column.
      const named = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Ext: 'externalId', Name: 'name', Freq: 'cf_freq' }), mode, matchBy: 'externalId' });
      expect(mapCompanyRow(row({ Ext: 'C5', Name: ' ', Freq: '' }), named, freq).company?.createOnly).toEqual([
        { row: 1, column: 'Name', message: 'is required' },
        { row: 1, column: 'Freq', message: 'is required' },
      ]);
      // A value that is given is checked on every row.
      expect(mapCompanyRow(row({ Ext: 'C5', Name: 'Acme', Freq: 'daily' }), named, freq).errors).toEqual([{ row: 1, column: 'Freq', message: 'must be one of weekly, monthly' }]);
    }
    const create = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Ext: 'externalId', City: 'city' }) });
    expect(mapCompanyRow(row({ Ext: 'C5', City: 'Bergen' }), create, freq)).toEqual({
      company: null,
      errors: [
        { row: 1, column: 'name', message: 'is required' },
        { row: 1, column: 'customFields.freq', message: 'is required' },
      ],
    });
  });

  it('holds a contact row without name or email, or a required custom field, for the writer on update and upsert', () => {
    for (const mode of ['update', 'upsert']) {
      const opts = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Ext: 'externalId', City: 'city' }), mode, matchBy: 'externalId' });
      const { contact, errors } = mapContactRow(row({ Ext: 'R2', City: 'Bergen' }), opts, freq);
      expect(errors).toEqual([]);
      expect(contact?.data).toMatchObject({ firstName: null, lastName: null, city: 'Bergen' });
      expect(contact?.createOnly).toEqual([
        { row: 1, column: 'firstName', message: 'a contact needs a first name, a last name or an email' },
        { row: 1, column: 'customFields.freq', message: 'is required' },
      ]);
    }
    const create = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Ext: 'externalId', City: 'city' }) });
    expect(mapContactRow(row({ Ext: 'R2', City: 'Bergen' }), create, freq).errors).toEqual([
      { row: 1, column: 'customFields.freq', message: 'is required' },
      { row: 1, column: 'firstName', message: 'a contact needs a first name, a last name or an email' },
    ]);
  });
});

describe('company text lengths', () => {
  it('refuses a value longer than its column, naming the column, like POST /companies', () => {
    const opts = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ N: 'name', I: 'industry', S: 'street', C: 'city', R: 'region', P: 'postalCode' }) });
    const long = { N: 'n'.repeat(201), I: 'i'.repeat(101), S: 's'.repeat(201), C: 'c'.repeat(101), R: 'r'.repeat(101), P: 'p'.repeat(21) };
    expect(mapCompanyRow(row(long), opts, [])).toEqual({
      company: null,
      errors: [
        { row: 1, column: 'N', message: 'must be at most 200 characters' },
        { row: 1, column: 'I', message: 'must be at most 100 characters' },
        { row: 1, column: 'S', message: 'must be at most 200 characters' },
        { row: 1, column: 'C', message: 'must be at most 100 characters' },
        { row: 1, column: 'R', message: 'must be at most 100 characters' },
        { row: 1, column: 'P', message: 'must be at most 20 characters' },
      ],
    });
    const fits = { N: 'n'.repeat(200), I: 'i'.repeat(100), S: 's'.repeat(200), C: ` ${'c'.repeat(100)} `, R: 'r'.repeat(100), P: 'p'.repeat(20) };
    expect(mapCompanyRow(row(fits), opts, []).errors).toEqual([]);
  });
});

describe('repeated phones in a row', () => {
  it('are one number, the first mapped staying the primary (an export\'s primaryPhone and phones mapped back)', () => {
    const opts = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ primaryEmail: 'email', emails: 'emails', primaryPhone: 'phone', phones: 'phones' }) });
    const { contact, errors } = mapContactRow(
      row({ primaryEmail: 'ada@example.com', emails: 'ada@example.com;ada@work.example', primaryPhone: '+4915112345678', phones: '+49 151 12345678;+33612345678;+33 6 12 34 56 78' }),
      opts,
      [],
    );
    expect(errors).toEqual([]);
    expect(contact?.data.phones).toEqual([
      { number: '+4915112345678', primary: true, label: null },
      { number: '+33612345678', primary: false, label: null },
    ]);
    expect(contact?.data.primaryPhone).toBe('+4915112345678');
  });

  it('are compared as the numbers they read as, a number waiting for its country by its digits', () => {
    expect(uniquePhones(['07911 123456', '+44 7911 123456', '(07911) 123-456'], 'gb')).toEqual(['07911 123456']);
    expect(uniquePhones(['07911 123456', '+447911123456', '07911-123456'], null)).toEqual(['07911 123456', '+447911123456']);
  });
});

describe('list cells with escapes', () => {
  it('takes a backslash before the separator, a line break or a backslash as part of the value', () => {
    expect(splitList('a\\;b;c,d')).toEqual(['a;b', 'c,d']);
    expect(splitList('a\\\\;b')).toEqual(['a\\', 'b']);
    expect(splitList('one\\\ntwo\nthree')).toEqual(['one\ntwo', 'three']);
    expect(splitList('C:\\temp;x\\y')).toEqual(['C:\\temp', 'x\\y']);
    expect(splitList('a\\,b,c;d', ',')).toEqual(['a,b', 'c;d']);
    expect(splitList('a\\;b|c', '|')).toEqual(['a\\;b', 'c']);
  });

  it('reads back every list the export writes', () => {
    const lists = [['a;b', 'c,d'], ['x\\', ';', 'y'], ['\\;\\\\', 'p\nq'], ['plain', 'C:\\temp']];
    for (const values of lists) expect(splitList(values.map(escapeListValue).join(';'))).toEqual(values);
    const opts = parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Name: 'firstName', Tags: 'tags' }) });
    expect(mapContactRow(row({ Name: 'Ada', Tags: 'a\\;b;c,d' }), opts, []).contact?.data.tags).toEqual(['a;b', 'c,d']);
  });
});

describe('money and counts', () => {
  const contacts = (mapping: Record<string, string>) => parseImportOptions({ entity: 'contact', mapping: JSON.stringify({ Name: 'firstName', ...mapping }) });

  it('refuses an amount whose cell and currency column give different currencies', () => {
    const opts = contacts({ Budget: 'cf_budget', Cur: 'cf_budget.currency' });
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10 USD', Cur: 'EUR' }), opts, defs).errors).toEqual([{ row: 1, column: 'Cur', message: 'differs from the currency given with the amount' }]);
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10 USD', Cur: 'usd' }), opts, defs).contact?.data.customFields).toEqual({ budget: { amount: '10', currency: 'USD' } });
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10', Cur: 'usd' }), opts, defs).contact?.data.customFields).toEqual({ budget: { amount: '10', currency: 'USD' } });
  });

  it('says that the currency is missing, and names a wrong currency as the wrong part', () => {
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10', Cur: ' ' }), contacts({ Budget: 'cf_budget', Cur: 'cf_budget.currency' }), defs).errors).toEqual([
      { row: 1, column: 'Cur', message: 'is required with an amount' },
    ]);
    expect(mapContactRow(row({ Name: 'Ada', Budget: '10' }), contacts({ Budget: 'cf_budget' }), defs).errors).toEqual([
      { row: 1, column: 'Budget', message: 'needs its currency, such as "1234.50 EUR", or a currency column' },
    ]);
    expect(mapContactRow(row({ Name: 'Ada', Budget: '12 EURO' }), contacts({ Budget: 'cf_budget' }), defs).errors).toEqual([{ row: 1, column: 'Budget', message: 'must be an ISO 4217 code such as "EUR"' }]);
    expect(mapContactRow(row({ Name: 'Ada', Budget: '12 EURO', Cur: '' }), contacts({ Budget: 'cf_budget', Cur: 'cf_budget.currency' }), defs).errors).toEqual([
      { row: 1, column: 'Budget', message: 'must be an ISO 4217 code such as "EUR"' },
    ]);
    expect(mapContactRow(row({ Name: 'Ada', Budget: 'EUR 12,50' }), contacts({ Budget: 'cf_budget' }), defs).contact?.data.customFields).toEqual({ budget: { amount: '12.50', currency: 'EUR' } });
    const companies = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Name: 'name', Revenue: 'annualRevenue', Cur: 'annualRevenueCurrency' }) });
    expect(mapCompanyRow(row({ Name: 'Acme', Revenue: '10', Cur: '' }), companies, []).errors).toEqual([{ row: 1, column: 'Cur', message: 'is required with an amount' }]);
  });

  it('checks employees like the API: a whole number from 0 to 10,000,000', () => {
    const opts = parseImportOptions({ entity: 'company', mapping: JSON.stringify({ Name: 'name', Staff: 'employees' }) });
    const of = (cell: string) => mapCompanyRow(row({ Name: 'Acme', Staff: cell }), opts, []);
    expect(of('-5').errors).toEqual([{ row: 1, column: 'Staff', message: 'must not be less than 0' }]);
    expect(of('10 000 001').errors).toEqual([{ row: 1, column: 'Staff', message: 'must not be greater than 10000000' }]);
    expect(of('many').errors).toEqual([{ row: 1, column: 'Staff', message: 'must be a whole number' }]);
    expect(of('0').company?.input.employees).toBe(0);
    expect(of('10,000,000').company?.input.employees).toBe(10_000_000);
  });
});
