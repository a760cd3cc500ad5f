import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A meeting's `occurredAt` is its start (the API keeps them equal since this release): meetings
 * saved before, whose start moved without their `occurredAt`, are put where they belong on the
 * timeline. Not undone by `down`: the earlier values were the inconsistency.
 */
export class ContactsMeetingsOccurredAtStart1764300074000 implements MigrationInterface {
  name = 'ContactsMeetingsOccurredAtStart1764300074000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE contacts.activities SET occurred_at = start_at
        WHERE type = 'meeting' AND start_at IS NOT NULL AND occurred_at IS DISTINCT FROM start_at`,
    );
  }

  public async down(): Promise<void> {
    // Nothing to undo.
  }
}
