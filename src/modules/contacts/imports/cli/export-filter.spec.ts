import { UsageError } from '../../../../platform/ops/cli/cli-command';
import { exportQueryFromFilter } from './export-filter';

describe('exportQueryFromFilter', () => {
  it('is empty without --filter', () => {
    expect(exportQueryFromFilter(undefined)).toEqual({});
    expect(exportQueryFromFilter('')).toEqual({});
  });

  it('reads field=value as eq and field[op]=value as that operator', () => {
    expect(exportQueryFromFilter('city=Berlin&tags[in]=vip,key')).toEqual({ 'filter[city][eq]': 'Berlin', 'filter[tags][in]': 'vip,key' });
  });

  it("takes the API's own form, sort and q as they are, and a leading ?", () => {
    expect(exportQueryFromFilter('?filter[city][ne]=Riga&sort=-lastName&q=anna%20maria')).toEqual({
      'filter[city][ne]': 'Riga',
      sort: '-lastName',
      q: 'anna maria',
    });
  });

  it('decodes values, so an & inside one is written %26', () => {
    expect(exportQueryFromFilter('jobTitle=R%26D+lead')).toEqual({ 'filter[jobTitle][eq]': 'R&D lead' });
  });

  it('keeps a parameter given twice as a list, for the list parser to refuse by name', () => {
    expect(exportQueryFromFilter('city=A&city=B')).toEqual({ 'filter[city][eq]': ['A', 'B'] });
  });

  it('refuses paging and format, and keys of no known form, naming --filter', () => {
    for (const bad of ['limit=5', 'cursor=abc', 'format=xlsx']) {
      expect(() => exportQueryFromFilter(bad)).toThrow(UsageError);
      expect(() => exportQueryFromFilter(bad)).toThrow(/^--filter: "(limit|cursor|format)" does not apply/);
    }
    expect(() => exportQueryFromFilter('a[b][c]=1')).toThrow(/^--filter: "a\[b\]\[c\]" is not <field>=<value>/);
    expect(() => exportQueryFromFilter('=x')).toThrow(/^--filter: "" is not/);
  });
});
