import { redactDeep, redactor } from './redaction';

const X = '[erased]';
const anna = redactor({ names: [{ firstName: 'Anna', lastName: 'Bērziņa' }], emails: ['anna.berzina@example.com'], phones: ['+37129997766'] }, X);

describe('redactor', () => {
  it('replaces the full name once, and each name as a whole word, whatever the case and accents', () => {
    expect(anna('Lunch with Anna Bērziņa and Jānis')).toBe(`Lunch with ${X} and Jānis`);
    expect(anna('BERZINA, ANNA called; anna said hi to Berzina')).toBe(`${X} called; ${X} said hi to ${X}`);
    expect(anna('Annabelle and Hanna stay')).toBe('Annabelle and Hanna stay');
  });

  it('replaces emails in any case and phones written either way', () => {
    expect(anna('Mail Anna.Berzina@Example.com or call +371 2999 7766, (0) 29-99-77-66 or 0037129997766.')).toBe(`Mail ${X} or call ${X}, (0) ${X} or ${X}.`);
    expect(anna('Order 129997766 and 2999776612 stay')).toBe('Order 129997766 and 2999776612 stay');
  });

  it('replaces an email whole even where a name of the person is part of it', () => {
    const zoe = redactor({ names: [{ firstName: 'Zoe', lastName: 'Zed' }], emails: ['zoe@z.test', 'zoe@zed.test'], phones: [] }, X);
    expect(zoe('mail zoe@z.test end')).toBe(`mail ${X} end`);
    expect(zoe('mail ZOE@ZED.test or Zoe')).toBe(`mail ${X} or ${X}`);
    expect(zoe('Zed zoe@z.test')).toBe(`${X} ${X}`);
    const vera = redactor({ names: [{ firstName: 'Vera', lastName: null }], emails: ['vera@v.test'], phones: [] }, X);
    expect(vera('write to vera@v.test, Vera')).toBe(`write to ${X}, ${X}`);
  });

  it('keeps the rest of the text exactly, accents of other words included', () => {
    expect(anna('Tikšanās ar Annu — Rīga')).toBe('Tikšanās ar Annu — Rīga');
    expect(anna('')).toBe('');
  });

  it('ignores names too short to be told from words, and the erased placeholder itself', () => {
    const r = redactor({ names: [{ firstName: 'J', lastName: X }], emails: [], phones: [] }, X);
    expect(r('J. said [erased] twice')).toBe('J. said [erased] twice');
  });

  it('redacts every string of a JSON value', () => {
    expect(redactDeep({ subject: { from: 'Meet Anna', to: null }, attendees: [{ name: 'Anna Bērziņa', email: null }] }, anna)).toEqual({
      subject: { from: `Meet ${X}`, to: null },
      attendees: [{ name: X, email: null }],
    });
  });
});
