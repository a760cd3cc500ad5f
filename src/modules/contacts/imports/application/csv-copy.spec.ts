import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { EntityMetadata } from 'typeorm';
import { CustomFieldShape } from '../../../../platform/custom-fields/custom-field-types';
import { contactColumns } from './csv-columns';
import { CONTACT_CELLS, csvCopyPlan, inlineParams } from './csv-copy';
import { neutralizeFormula } from './csv-formula';

const metadata = { name: 'ContactEntity', findColumnWithPropertyName: (p: string) => ({ databaseName: p }) } as unknown as EntityMetadata;
const defs: CustomFieldShape[] = [
  { key: 'note', type: 'text', required: false, options: [] },
  { key: 'budget', type: 'money', required: false, options: [] },
  { key: 'interests', type: 'multiselect', required: false, options: [] },
];

// Characters that matter to CSV quoting, COPY escaping, UTF-8 (multibyte, bytes shared with
// whitespace encodings), JS's `\s`, and the leads of spreadsheet formulas (csv-formula.ts).
// Rows of only the second set take the fast path unless a cell starts or ends with whitespace.
const SPACES = [' ', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', 'é', 'ÿ', '€', '…', '日', '🎉', 'a', 'N'];
const PIECES = ['a', 'Z', '0', '7', '.', '+', '-', '@', ' ', ',', '"', ';', '\\', '\t', '\n', '\r', '\v', '\f', '\b', '=', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', 'é', 'ÿ', '€', '…', '日', '🎉', 'N'];

/** A deterministic pseudo-random generator, so a failure reproduces. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** How COPY … TO STDOUT (FORMAT text, NULL '') writes a field. */
const copyText = (v: string | null): string => (v === null ? '' : v.replace(/[\\\b\f\n\r\t\v]/g, (c) => ({ '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' })[c] as string));

describe('CSV export from COPY rows', () => {
  it('writes exactly what csv-stringify wrote from the same values, whatever the chunking', async () => {
    const rand = generator(42);
    let alphabet = PIECES;
    const text = (): string | null => {
      const r = rand();
      if (r < 0.1) return null;
      if (r < 0.15) return '';
      let s = '';
      const n = 1 + Math.floor(rand() * 6);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      return s;
    };
    const columns = contactColumns(defs);
    const fixed = Object.keys(CONTACT_CELLS).length;
    const plan = csvCopyPlan(metadata, CONTACT_CELLS, columns, defs);
    const rows: string[] = [];
    const expected: (string | null)[][] = [];
    for (let i = 0; i < 3000; i++) {
      alphabet = i % 2 ? PIECES : SPACES;
      // Half the rows: one random cell among plain ones, so each cell's edges decide alone.
      const special = Math.floor(rand() * fixed);
      const cells = Array.from({ length: fixed }, (_, k) => (i % 2 === 0 && k !== special ? (k % 3 ? 'plain' : null) : text()));
      const custom: Record<string, unknown> = {};
      if (rand() < 0.7) custom.note = text();
      if (rand() < 0.5) custom.budget = { amount: String(Math.floor(rand() * 1e6) / 100), currency: text() };
      if (rand() < 0.5) custom.interests = [text() ?? '', 'b'];
      const json = defs.map((d) => (d.key in custom ? JSON.stringify(custom[d.key]) : null));
      rows.push([...cells, ...json].map(copyText).join('\t'));
      const record = { customFields: custom } as never;
      const values = [...cells, ...columns.slice(fixed).map((c) => c.value(record))];
      expected.push(values.map((v) => (v ? neutralizeFormula(v) : v)));
    }
    const copyOutput = Buffer.from(rows.map((r) => `${r}\n`).join(''), 'utf8');
    const want = stringify(expected, { header: true, columns: columns.map((c) => c.header), record_delimiter: 'windows', quoted_match: /[\r\n]|^\s|\s$/ });
    for (const size of [1, 7, 4096, copyOutput.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < copyOutput.length; i += size) chunks.push(copyOutput.subarray(i, i + size));
      const got = await buffer(Readable.from(chunks).pipe(plan.transform()));
      expect(got.toString('utf8')).toBe(want);
    }
  });

  it('writes a cell a spreadsheet would run as a formula as text, on the fast path and the exact one', async () => {
    const columns = contactColumns([]);
    const plan = csvCopyPlan(metadata, CONTACT_CELLS, columns, []);
    const fixed = Object.keys(CONTACT_CELLS).length;
    const row = (first: string, second: string) => [first, second, ...Array.from({ length: fixed - 2 }, () => 'x')].join('\t');
    const csv = await buffer(Readable.from([Buffer.from([row('=HYPERLINK("http://x","y")', '+cmd|calc'), row('@SUM(A1)', '-2+3'), row('+33612345678', '-12.50'), row('a=b', '\\tx')].map((r) => `${r}\n`).join(''))]).pipe(plan.transform()));
    const records = parse(csv, { from_line: 2 }) as string[][];
    expect(records.map((r) => r.slice(0, 2))).toEqual([
      [`'=HYPERLINK("http://x","y")`, `'+cmd|calc`],
      [`'@SUM(A1)`, `'-2+3`],
      ['+33612345678', '-12.50'],
      ['a=b', `'\tx`],
    ]);
  });

  it('escapes `;`, line breaks and backslashes inside the values of a list cell (multiselect options here; tags and the like in SQL)', () => {
    const interests = contactColumns(defs).find((c) => c.header === 'cf_interests');
    expect(interests?.value({ customFields: { interests: ['a;b', 'c,d', 'x\\y', 'p\nq'] } } as never)).toBe('a\\;b;c,d;x\\\\y;p\\\nq');
    expect(interests?.value({ customFields: { interests: ['golf', 'wine'] } } as never)).toBe('golf;wine');
  });

  it('writes the header alone when no row matches, and refuses a truncated last row', async () => {
    const columns = contactColumns([]);
    const plan = csvCopyPlan(metadata, CONTACT_CELLS, columns, []);
    expect((await buffer(Readable.from([]).pipe(plan.transform()))).toString()).toBe(`${columns.map((c) => c.header).join(',')}\r\n`);
    await expect(buffer(Readable.from([Buffer.from('id\tx')]).pipe(plan.transform()))).rejects.toThrow(/incomplete row/);
  });
});

describe('inlineParams', () => {
  it('writes each $n as an escaped literal (pg escapeLiteral: E-strings for backslashes), outside quoted text only', () => {
    const sql = `SELECT '$1', "$2", E'\\'$1' FROM t WHERE a = $1 AND b = ANY($2) AND c = $3 AND d = $10 AND e IS $4`;
    const params = ["O'Brien\\", ['x', 'y"z'], 5, null, 0, 0, 0, 0, 0, true];
    expect(inlineParams(sql, params)).toBe(`SELECT '$1', "$2", E'\\'$1' FROM t WHERE a =  E'O''Brien\\\\' AND b = ANY( E'{"x","y\\\\"z"}') AND c = '5' AND d = 'true' AND e IS NULL`);
  });

  it('refuses a placeholder without a value', () => {
    expect(() => inlineParams('SELECT $2', [1])).toThrow(/no parameter \$2/);
  });
});
