import { Column } from 'typeorm';

/**
 * The columns every merge row has, whatever was merged: who did it, full snapshots of every
 * record before it, the receipt of what moved (`R`, kept to undo exactly that), and the undo.
 * Each merged resource has a table of its own (its entity extends this and adds the key).
 */
export abstract class MergeRecord<R> {
  abstract id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'uuid' }) primaryId: string;
  @Column({ type: 'uuid', array: true }) duplicateIds: string[];
  @Column({ type: 'varchar', length: 16 }) actorType: string;
  @Column({ type: 'varchar', length: 64 }) actorId: string;
  @Column({ type: 'varchar', length: 128, nullable: true }) requestId: string | null;
  /** Record id → the record's columns before the merge. */
  @Column({ type: 'jsonb' }) snapshots: Record<string, Record<string, unknown>>;
  @Column({ type: 'jsonb' }) receipt: R;
  /** The primary's version right after the merge. */
  @Column({ type: 'integer' }) primaryVersion: number;
  /**
   * Fingerprint (`stateDigest`) of what an undo puts back on the primary, as the merge left it.
   * The version alone would refuse an undo forever once anything bumped it, even a later merge
   * that was undone since; null on merges from before it was kept (only the version counts).
   */
  @Column({ type: 'varchar', length: 64, nullable: true }) primaryState: string | null;
  @Column({ type: 'timestamptz', nullable: true }) undoneAt: Date | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) undoneBy: string | null;
}
