import { COMPANY_LIST, CONTACT_LIST, phoneDigits } from './list-specs';

/** The SQL of `q` with its bound values, as the query engine would run it. */
function search(spec: typeof CONTACT_LIST, q: string): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const sql = spec.textSearch!.sql('r', q, (v) => {
    values.push(v);
    return `:p${values.length - 1}`;
  });
  return { sql, values };
}

describe('q on contacts and companies', () => {
  it('matches a substring of the search text, or every word of q closely in the name or one edit from a name word', () => {
    const { sql, values } = search(CONTACT_LIST, ' Jérôme   Lefebre ');
    expect(values).toEqual(['% Jérôme   Lefebre %', 'Jérôme', 'Lefebre']);
    const name = `contacts.search_norm(coalesce("r"."first_name", '') || ' ' || coalesce("r"."last_name", ''))`;
    const word = (p: string) => `(${name} %> contacts.search_norm(${p}) OR ${name} ~ (SELECT contacts.name_typo_pattern('contact', contacts.search_norm(${p}))))`;
    expect(sql).toBe(`(contacts.search_norm("r"."search_text") LIKE contacts.search_norm(:p0) ESCAPE '\\' OR (${word(':p1')} AND ${word(':p2')}))`);
  });

  it('escapes LIKE wildcards and binds every value', () => {
    const { sql, values } = search(CONTACT_LIST, "50%_o'brien");
    expect(values).toEqual(["%50\\%\\_o'brien%", "50%_o'brien"]);
    expect(sql).not.toContain("o'brien");
  });

  it('keeps to the substring match when q has no word, and to 8 words for typos', () => {
    expect(search(CONTACT_LIST, '   ').values).toEqual(['%   %']);
    expect(search(CONTACT_LIST, '   ').sql).not.toContain('%>');
    const many = search(CONTACT_LIST, 'a b c d e f g h i j');
    expect(many.values).toHaveLength(1 + 8);
    expect(many.sql.match(/%>/g)).toHaveLength(8);
  });

  it('takes typos in a company against its whole search text (names and domains)', () => {
    const { sql } = search(COMPANY_LIST, 'Nordlicht');
    expect(sql).toContain(`contacts.search_norm("r"."search_text") %> contacts.search_norm(:p1)`);
  });
});

describe('phoneDigits', () => {
  it('reads a phone number as people write it as the digits the search text holds', () => {
    expect(phoneDigits('+371 2000 0298')).toBe('37120000298');
    expect(phoneDigits('(+371) 2000-0298')).toBe('37120000298');
    expect(phoneDigits('0037120000298')).toBe('37120000298');
    expect(phoneDigits('06 12 34 56 78')).toBe('612345678');
    expect(phoneDigits('2000 0298')).toBe('20000298');
  });

  it('leaves alone what is not a phone number, or too short to be one', () => {
    expect(phoneDigits('+33')).toBeNull();
    expect(phoneDigits('007')).toBeNull();
    expect(phoneDigits('Ada 2000')).toBeNull();
    expect(phoneDigits('jean@2000.fr')).toBeNull();
  });

  it('searches contacts by those digits alone, and companies as before', () => {
    expect(search(CONTACT_LIST, '+49 30 901820')).toEqual({ sql: `(contacts.search_norm("r"."search_text") LIKE :p0)`, values: ['%4930901820%'] });
    expect(search(COMPANY_LIST, '+49 30 901820').values[0]).toBe('%+49 30 901820%');
  });
});
