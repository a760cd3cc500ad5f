import { RowError } from '../domain/import-status';

/** What an import did (or, dry, would do). */
export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  /** Matched rows that would change nothing the record holds: the record is left as it is (no new version, no audit entry). */
  unchanged: number;
  skipped: number;
  failed: number;
  errors: RowError[];
  /** More rows failed than `errors` lists. */
  errorsTruncated: boolean;
}

/** Errors listed in a report; past this only the counts grow (a wrong delimiter fails every row). */
export const MAX_REPORTED_ERRORS = 1000;

/** A report being built row by row (and, for a run, batch by batch). */
export class ReportBuilder {
  readonly report: ImportReport = { rows: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], errorsTruncated: false };
  private errorsChanged = false;

  /** Carries on from what an import committed so far. */
  static resume(saved: { rowsRead: number; created: number; updated: number; unchanged?: number; skipped: number; failed: number; errors: RowError[]; errorsTruncated: boolean }): ReportBuilder {
    const b = new ReportBuilder();
    Object.assign(b.report, {
      rows: saved.rowsRead,
      created: saved.created,
      updated: saved.updated,
      unchanged: saved.unchanged ?? 0,
      skipped: saved.skipped,
      failed: saved.failed,
      errors: [...saved.errors],
      errorsTruncated: saved.errorsTruncated,
    });
    return b;
  }

  /** A copy to build on (its errors unchanged so far). */
  clone(): ReportBuilder {
    return ReportBuilder.resume({ ...this.report, rowsRead: this.report.rows });
  }

  /** Adds another report's counts and errors (a batch's, to what is committed). */
  merge(other: ImportReport): void {
    this.report.rows += other.rows;
    this.report.created += other.created;
    this.report.updated += other.updated;
    this.report.unchanged += other.unchanged;
    this.report.skipped += other.skipped;
    this.report.failed += other.failed;
    this.addErrors(other.errors);
    if (other.errorsTruncated) this.report.errorsTruncated = true;
  }

  fail(errors: readonly RowError[]): void {
    this.report.failed++;
    this.addErrors(errors);
  }

  /**
   * The counts of a written batch; rows the database refused (`conflicts`, one or more errors each) count as failed. `notes` are rows
   * counted as skipped whose reason the report lists (a duplicate of an existing record).
   */
  add(r: { created: number; updated: number; unchanged?: number; skipped: number; conflicts: readonly RowError[]; notes?: readonly RowError[] }): void {
    this.report.created += r.created;
    this.report.updated += r.updated;
    this.report.unchanged += r.unchanged ?? 0;
    this.report.skipped += r.skipped;
    // By row: a row that would create without a name and a required field is one failed row with two errors.
    this.report.failed += new Set(r.conflicts.map((c) => c.row)).size;
    this.addErrors([...r.conflicts, ...(r.notes ?? [])].sort((a, b) => a.row - b.row));
  }

  private addErrors(errors: readonly RowError[]): void {
    for (const e of errors) {
      this.errorsChanged = true;
      if (this.report.errors.length < MAX_REPORTED_ERRORS) this.report.errors.push(e);
      else this.report.errorsTruncated = true;
    }
  }

  /** The error list as JSON when it changed since the last call (null: unchanged, nothing to store). */
  takeErrorsIfChanged(): string | null {
    if (!this.errorsChanged) return null;
    this.errorsChanged = false;
    const json = JSON.stringify(this.report.errors);
    // jsonb refuses NUL, which a cell quoted in a message may carry.
    return json.includes('\\u0000') ? json.replace(/\\u0000/g, '') : json;
  }
}
