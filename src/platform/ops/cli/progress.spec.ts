import { progress, progressLine } from './progress';

describe('progressLine', () => {
  it('shows a bar, done / total, percent and rate', () => {
    expect(progressLine(1200, 4800, 'rows', 2000)).toBe(`[${'█'.repeat(6)}${'░'.repeat(18)}] 1,200 / 4,800 rows  25%  600 rows/s`);
  });

  it('never shows more than 100% when rows arrive that the count did not see', () => {
    expect(progressLine(12, 10, 'rows', 1000)).toBe(`[${'█'.repeat(24)}] 12 / 12 rows  100%  12 rows/s`);
    expect(progressLine(0, 0, 'rows', 0)).toBe(`[${'█'.repeat(24)}] 0 / 0 rows  100%  0 rows/s`);
  });

  it('shows the count and rate alone when the total is unknown', () => {
    expect(progressLine(5, null, 'rows', 500)).toBe('5 rows  10 rows/s');
  });
});

describe('progress', () => {
  it('draws nothing when stderr is not a terminal', () => {
    let err = '';
    const p = progress({ out: () => undefined, err: (t) => (err += t), errIsTTY: false }, { unit: 'rows', total: 3 });
    p.update(3);
    p.finish();
    expect(err).toBe('');
  });

  it('redraws in place at most every 100 ms, and ends the line when finished', () => {
    let err = '';
    let clock = 0;
    const p = progress({ out: () => undefined, err: (t) => (err += t), errIsTTY: true }, { unit: 'rows', total: 4, now: () => clock });
    p.update(1);
    clock = 50;
    p.update(2);
    clock = 100;
    p.update(3);
    p.finish();
    const frames = err.split('\r\x1b[2K').filter(Boolean);
    expect(frames.map((f) => /\] (\d) \//.exec(f)?.[1])).toEqual(['1', '3', '3']);
    expect(err.endsWith('\n')).toBe(true);
  });
});
