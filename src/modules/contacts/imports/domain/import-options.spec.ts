import { DomainError } from '../../../../platform/errors/domain-error';
import { parseImportOptions } from './import-options';

const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).errors.map((e) => `${e.field}: ${e.message}`);
  }
  throw new Error('no error');
};

describe('parseImportOptions', () => {
  it('matches by external id when a column feeds it, for contacts and companies', () => {
    const opts = parseImportOptions({ entity: 'company', mode: 'upsert', matchBy: 'externalId', mapping: JSON.stringify({ Id: 'externalId', Name: 'name' }), dryRun: 'false' });
    expect(opts).toMatchObject({ entity: 'company', mode: 'upsert', matchBy: 'externalId', dryRun: false });
    expect(opts.mapping.get('id')).toEqual({ kind: 'field', field: 'externalId', column: 'Id' });
    expect(parseImportOptions({ entity: 'contact', mode: 'update', matchBy: 'externalId', mapping: '{"Ref":"externalId"}' }).matchBy).toBe('externalId');
  });

  it('refuses matching by a column that is not mapped, and by email for companies', () => {
    expect(fieldsOf(() => parseImportOptions({ entity: 'contact', mode: 'update', matchBy: 'externalId', mapping: '{"First":"firstName"}' }))).toEqual([
      'mapping: matching by externalId needs a column mapped to externalId',
    ]);
    expect(fieldsOf(() => parseImportOptions({ entity: 'company', mode: 'upsert', matchBy: 'email', mapping: '{"Name":"name"}' }))).toContain('matchBy: companies have no email to match by');
  });

  it('creates without a match key and ignores matchBy', () => {
    expect(parseImportOptions({ entity: 'contact', mapping: '{"First":"firstName"}' })).toMatchObject({ mode: 'create', matchBy: null, dryRun: false });
  });
});
