import { RoundPlanner } from './import-batch.writer';

describe('RoundPlanner', () => {
  it('puts rows sharing a key in successive rounds, and the rest in the first', () => {
    const p = new RoundPlanner();
    expect(p.roundOf(['a@x', 'b@x'])).toBe(1);
    expect(p.roundOf(['c@x'])).toBe(1);
    expect(p.roundOf(['b@x'])).toBe(2);
    expect(p.roundOf(['a@x', 'c@x'])).toBe(2);
    expect(p.roundOf(['c@x', 'd@x'])).toBe(3);
    expect(p.roundOf([])).toBe(1);
    expect(p.rounds).toBe(3);
  });
});
