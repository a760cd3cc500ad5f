/** queued → running → completed | failed; completed | failed → reverting → reverted. */
export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'reverting', 'reverted'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** An import may be reverted once it stopped writing: completed, or failed part-way (what it committed is undone). */
export const REVERTIBLE: readonly ImportStatus[] = ['completed', 'failed'];

/** What `GET /imports/{id}` lists of a row's problems (and what an import remembers). */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

/** A row whose external id another live record holds (the id is unique among live records of an entity). */
export const EXTERNAL_ID_TAKEN = 'is already the external id of another record';
