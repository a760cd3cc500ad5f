import { MAX_REPORTED_ERRORS, ReportBuilder } from './import-report';

const err = (row: number) => ({ row, column: 'e-mail', message: 'is not an email address' });

describe('ReportBuilder', () => {
  it('resumes from what an import committed and adds a batch on top', () => {
    const committed = ReportBuilder.resume({ rowsRead: 10, created: 7, updated: 1, skipped: 1, failed: 1, errors: [err(4)], errorsTruncated: false });
    const batch = new ReportBuilder();
    batch.report.rows = 5;
    batch.fail([err(12)]);
    const next = committed.clone();
    next.merge(batch.report);
    next.add({ created: 2, updated: 1, skipped: 0, conflicts: [{ row: 14, column: 'externalId', message: 'taken' }] });
    expect(next.report).toEqual({ rows: 15, created: 9, updated: 2, unchanged: 0, skipped: 1, failed: 3, errors: [err(4), err(12), { row: 14, column: 'externalId', message: 'taken' }], errorsTruncated: false });
    // The copy grew, the committed report did not.
    expect(committed.report.rows).toBe(10);
    expect(JSON.parse(next.takeErrorsIfChanged() as string)).toHaveLength(3);
    expect(next.takeErrorsIfChanged()).toBeNull();
  });

  it('counts a written row refused with several errors once', () => {
    const b = new ReportBuilder();
    b.add({ created: 0, updated: 1, skipped: 0, conflicts: [{ row: 3, column: 'name', message: 'is required' }, { row: 3, column: 'customFields.freq', message: 'is required' }, err(5)] });
    expect(b.report).toMatchObject({ failed: 2, updated: 1 });
    expect(b.report.errors).toHaveLength(3);
  });

  it('lists at most MAX_REPORTED_ERRORS errors and says when more exist', () => {
    const b = new ReportBuilder();
    for (let i = 1; i <= MAX_REPORTED_ERRORS + 5; i++) b.fail([err(i)]);
    expect(b.report.failed).toBe(MAX_REPORTED_ERRORS + 5);
    expect(b.report.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(b.report.errorsTruncated).toBe(true);
  });
});
