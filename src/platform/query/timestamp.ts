/**
 * Dates and timestamps as the API takes them, in filters and in bodies alike: a date
 * (`2026-03-01`), or a date-time that says its time zone (`2026-03-01T09:30:00Z`,
 * `…+01:00`). A date-time without one is refused rather than read as UTC: a reminder typed as
 * local time would fire hours off.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const TIMESTAMP_RULE = 'must be an ISO 8601 timestamp with a time zone (2026-03-01T09:30:00Z) or a date';
export const DATE_RULE = 'must be a date (YYYY-MM-DD)';

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Whether `raw` is a real calendar date written YYYY-MM-DD. */
export function isDateText(raw: string): boolean {
  const m = DATE.exec(raw);
  return !!m && validDate(+m[1], +m[2], +m[3]);
}

/** `raw` as a timestamp with its zone (a date is its midnight UTC), or null when it is not one. */
export function timestampText(raw: string): string | null {
  const m = TIMESTAMP.exec(raw);
  if (!m || !validDate(+m[1], +m[2], +m[3])) return null;
  if (m[4] === undefined) return `${raw}T00:00:00Z`;
  if (+m[4] > 23 || +m[5] > 59 || +(m[6] ?? 0) > 59) return null;
  return raw;
}
