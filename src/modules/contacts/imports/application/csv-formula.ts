/**
 * Spreadsheet formula injection (CSV injection): a cell that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return is run as a formula when a spreadsheet opens the export, so a name typed
 * as `=HYPERLINK(…)` or `+cmd|…` would act on the machine of whoever opens the file. The export
 * writes such a cell with a leading apostrophe, which spreadsheets read as "this is text" and do
 * not show; the import takes the apostrophe off again, so an export imported back is unchanged.
 *
 * A plain signed number (`+33612345678`, a phone in E.164; `-12.50`) is left as it is: it is a
 * number to a spreadsheet too, and nothing runs.
 *
 * The import takes off exactly one apostrophe from a cell of apostrophes followed by one of those
 * characters, so a value that itself starts that way (`'-x`, typed as text in a spreadsheet) gets
 * one more on export (`''-x`), and comes back as it was.
 */
const FORMULA_LEAD = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const NEUTRALIZED = /^'+[=+\-@\t\r]/;

/** A cell as the export writes it: a leading apostrophe when a spreadsheet would run it, or when the import would take one off. */
export function neutralizeFormula(value: string): string {
  return (FORMULA_LEAD.test(value) && !PLAIN_NUMBER.test(value)) || NEUTRALIZED.test(value) ? `'${value}` : value;
}

/** An imported cell with the export's apostrophe (neutralizeFormula) taken off. */
export function restoreFormula(cell: string): string {
  return NEUTRALIZED.test(cell) ? cell.slice(1) : cell;
}

const EQUALS = 0x3d;
const PLUS = 0x2b;
const MINUS = 0x2d;
const AT = 0x40;
const APOSTROPHE = 0x27;
const TAB = 0x09;
const DOT = 0x2e;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * Whether the field of a COPY text row (latin1 view) that starts at `start` would be neutralized:
 * the export's fast path (rows written as they come) checks each field with it and leaves such
 * rows to the exact path. Tabs and carriage returns inside values come escaped (`\t`, `\r`), so
 * rows holding them never take the fast path.
 */
export function formulaFieldAt(row: string, start: number): boolean {
  const first = row.charCodeAt(start);
  if (first === APOSTROPHE) {
    // Apostrophes, then a formula's lead (a tab or carriage return comes escaped: see above).
    let i = start + 1;
    while (row.charCodeAt(i) === APOSTROPHE) i++;
    const lead = row.charCodeAt(i);
    return lead === EQUALS || lead === AT || lead === PLUS || lead === MINUS;
  }
  if (first === EQUALS || first === AT) return true;
  if (first !== PLUS && first !== MINUS) return false;
  // `+`/`-`: harmless when a plain number follows (PLAIN_NUMBER, up to the next tab).
  let i = start + 1;
  let digits = 0;
  let dot = -1;
  for (; i < row.length; i++) {
    const c = row.charCodeAt(i);
    if (c === TAB) break;
    if (isDigit(c)) digits++;
    else if (c === DOT && dot < 0 && digits > 0) dot = i;
    else return true;
  }
  return digits === 0 || dot === i - 1;
}
