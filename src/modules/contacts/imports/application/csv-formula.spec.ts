import { formulaFieldAt, neutralizeFormula, restoreFormula } from './csv-formula';

describe('spreadsheet formulas in CSV cells', () => {
  it('writes a cell a spreadsheet would run as text, and leaves plain numbers and text alone', () => {
    expect(neutralizeFormula('=HYPERLINK("http://evil.example","x")')).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(neutralizeFormula('+cmd|calc')).toBe(`'+cmd|calc`);
    expect(neutralizeFormula('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(neutralizeFormula('-2+3')).toBe(`'-2+3`);
    expect(neutralizeFormula('\tx')).toBe(`'\tx`);
    expect(neutralizeFormula('+33612345678')).toBe('+33612345678');
    expect(neutralizeFormula('-12.50')).toBe('-12.50');
    expect(neutralizeFormula('Ada = Lovelace')).toBe('Ada = Lovelace');
    expect(neutralizeFormula('')).toBe('');
  });

  it('reads back what it wrote', () => {
    for (const v of ['=1+1', '+cmd|calc', '@x', '-', '\rx', '+33612345678', "'quoted", "'", 'plain']) expect(restoreFormula(neutralizeFormula(v))).toBe(v);
    expect(restoreFormula("'=x")).toBe('=x');
    expect(restoreFormula("'plain")).toBe("'plain");
  });

  it('adds its apostrophe to a value the import would otherwise take one off, and the import takes exactly one', () => {
    expect(neutralizeFormula("'-x")).toBe("''-x");
    expect(neutralizeFormula("''=1")).toBe("'''=1");
    expect(neutralizeFormula("'+33612345678")).toBe("''+33612345678");
    expect(neutralizeFormula("'\tx")).toBe("''\tx");
    expect(restoreFormula("''-x")).toBe("'-x");
    expect(restoreFormula("'''@x")).toBe("''@x");
    for (const v of ["'-x", "''-x", "'=SUM(A1)", "'@", "'+33612345678", "'-12.50", "'\rx", "'", "''", "'a", "'1"]) expect(restoreFormula(neutralizeFormula(v))).toBe(v);
    for (const v of ["'a", "'1", "'", "it's"]) expect(neutralizeFormula(v)).toBe(v);
  });

  it('decides on a COPY row field exactly as on the value', () => {
    const leads = ['=', '+', '-', '@', '1', '.', 'a', '', "'", "''", "'=", "'-", "''+", "'a"];
    const tails = ['', '1', '12', '1.5', '1.', '.5', '1.2.3', 'x', '+1', '1e3', '1 2'];
    for (const lead of leads) {
      for (const tail of tails) {
        const value = lead + tail;
        const row = `before\t${value}\tafter`;
        expect([value, formulaFieldAt(row, 'before\t'.length)]).toEqual([value, neutralizeFormula(value) !== value]);
        expect([value, formulaFieldAt(value, 0)]).toEqual([value, neutralizeFormula(value) !== value]);
      }
    }
  });
});
