import { auditDiff, REDACTED } from './diff';

describe('auditDiff', () => {
  it('lists only changed fields, dates as ISO, bookkeeping left out', () => {
    const before = { name: 'Ann', city: 'Riga', updatedAt: new Date(1), version: 1, tags: ['a'], born: new Date('2000-01-01T00:00:00Z') };
    const after = { name: 'Ann', city: 'Tallinn', updatedAt: new Date(2), version: 2, tags: ['a', 'b'], born: new Date('2000-01-01T00:00:00Z') };
    expect(auditDiff(before, after)).toEqual({ city: { from: 'Riga', to: 'Tallinn' }, tags: { from: ['a'], to: ['a', 'b'] } });
  });

  it('treats create and delete as diffs from and to nothing', () => {
    expect(auditDiff(null, { name: 'Ann', city: null })).toEqual({ name: { from: null, to: 'Ann' } });
    expect(auditDiff({ name: 'Ann' }, null)).toEqual({ name: { from: 'Ann', to: null } });
  });

  it('never lets secrets in: declared fields and secret-looking names are redacted, excluded ones absent', () => {
    const diff = auditDiff(
      { passwordHash: 'old', keyHash: null, refreshToken: 't1', pin: '1', blob: 'x' },
      { passwordHash: 'new', keyHash: 'h', refreshToken: 't2', pin: '2', blob: 'y' },
      { redact: ['pin'], exclude: ['blob'] },
    );
    expect(diff).toEqual({
      passwordHash: { from: REDACTED, to: REDACTED },
      keyHash: { from: null, to: REDACTED },
      refreshToken: { from: REDACTED, to: REDACTED },
      pin: { from: REDACTED, to: REDACTED },
    });
    expect(JSON.stringify(diff)).not.toMatch(/old|new|t1|t2/);
  });
});
