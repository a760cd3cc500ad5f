import { CsvRecordCounter } from './csv-records';

describe('CsvRecordCounter', () => {
  it('counts records, not line breaks inside quoted cells or doubled quotes', () => {
    const c = new CsvRecordCounter();
    c.push('id,address,note\r\n1,"Main St 1\r\nBerlin","say ""hi"""\r\n2,,\r\n');
    expect(c.records).toBe(3);
  });

  it('counts the same wherever the chunks are cut, in bytes or text', () => {
    const csv = Buffer.from('name,city\r\n"Zoë ""Z""","Köln\nNord"\r\nAnn,Riga\r\n');
    for (let cut = 0; cut <= csv.length; cut++) {
      const c = new CsvRecordCounter();
      c.push(csv.subarray(0, cut));
      c.push(csv.subarray(cut).toString('utf8'));
      expect(c.records).toBe(3);
    }
  });
});
