import { contactSearchText, normalizeDomain, normalizeEmail, normalizeEmails, normalizePhone, normalizePhones } from './normalize';

describe('contact normalization', () => {
  it('lower-cases and trims emails', () => {
    expect(normalizeEmail('  Anna.Berzina@Example.COM ')).toBe('anna.berzina@example.com');
  });

  it('makes the first email primary when none is, and refuses two primaries or one address twice', () => {
    expect(normalizeEmails([{ email: 'a@x.example' }, { email: 'b@x.example' }]).emails.map((e) => e.primary)).toEqual([true, false]);
    expect(normalizeEmails([{ email: 'a@x.example' }, { email: 'b@x.example', primary: true }]).emails.map((e) => e.primary)).toEqual([false, true]);
    expect(normalizeEmails([{ email: 'a@x.example', primary: true }, { email: 'b@x.example', primary: true }]).errors).toEqual([{ field: 'emails', message: 'only one may be primary' }]);
    expect(normalizeEmails([{ email: 'A@x.example' }, { email: 'a@X.example' }]).errors).toEqual([{ field: 'emails[1].email', message: 'is given twice' }]);
  });

  it('normalizes phones to E.164, national numbers with the contact\'s country', () => {
    expect(normalizePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalizePhone('00 371 2000 0001')).toBeNull();
    expect(normalizePhone('2000 0001', 'LV')).toBe('+37120000001');
    expect(normalizePhone('030 901820', 'DE')).toBe('+4930901820');
    expect(normalizePhone('2000 0001')).toBeNull();
    expect(normalizePhone('12')).toBeNull();
    expect(normalizePhone('not a phone', 'LV')).toBeNull();
  });

  it('reports bad and repeated phones by index', () => {
    const r = normalizePhones([{ number: '+37120000001' }, { number: '2000 0001' }, { number: 'x' }], 'LV');
    expect(r.phones.map((p) => p.number)).toEqual(['+37120000001', '+37120000001']);
    expect(r.errors).toEqual([
      { field: 'phones[1].number', message: 'is given twice' },
      { field: 'phones[2].number', message: 'is not a valid phone number' },
    ]);
  });

  it('normalizes domains', () => {
    expect(normalizeDomain(' https://www.Example.COM/about ')).toBe('example.com');
    expect(normalizeDomain('shop.example.lv.')).toBe('shop.example.lv');
  });

  it('builds the search text from names, emails, phones (with and without +) and company names', () => {
    expect(
      contactSearchText({
        firstName: 'Zoë',
        lastName: null,
        emails: [{ email: 'zoe@x.example', primary: true, label: null }],
        phones: [{ number: '+37120000001', primary: true, label: null }],
        companyNames: ['Nordlicht GmbH'],
      }),
    ).toBe('Zoë zoe@x.example +37120000001 37120000001 Nordlicht GmbH');
  });
});
