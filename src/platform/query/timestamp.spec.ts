import { isDateText, timestampText } from './timestamp';

describe('timestamps and dates as the API takes them', () => {
  it('takes a date-time with its zone, or a date (its midnight UTC)', () => {
    expect(timestampText('2026-03-01T09:30:00Z')).toBe('2026-03-01T09:30:00Z');
    expect(timestampText('2026-03-01T09:30:00.123+01:00')).toBe('2026-03-01T09:30:00.123+01:00');
    expect(timestampText('2026-03-01T09:30Z')).toBe('2026-03-01T09:30Z');
    expect(timestampText('2026-03-01')).toBe('2026-03-01T00:00:00Z');
  });

  it('refuses a date-time without a zone, impossible dates and times, and other shapes', () => {
    for (const raw of ['2026-11-27T17:01:04', '2026-02-30', '2026-03-01T24:00:00Z', '2026-03-01T09:60Z', '01/03/2026', '2026-03-01 09:30:00Z', '']) {
      expect([raw, timestampText(raw)]).toEqual([raw, null]);
    }
  });

  it('checks dates alone', () => {
    expect(isDateText('2024-02-29')).toBe(true);
    expect(isDateText('2026-02-29')).toBe(false);
    expect(isDateText('2026-03-01T00:00:00Z')).toBe(false);
  });
});
