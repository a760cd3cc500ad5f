import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type IdempotencyState = 'in_flight' | 'completed';

/** Headers of a stored answer that a replay repeats. */
export type StoredHeaders = Record<string, string>;

/**
 * One Idempotency-Key of one caller: claimed while its first request runs (`in_flight`), then
 * holding that request's answer (`completed`) until `expires_at`. Housekeeping deletes expired
 * rows; an expired key may also be claimed afresh before that.
 */
@Entity({ schema: 'platform', name: 'idempotency_keys' })
@Check('idempotency_keys_state_check', `state IN ('in_flight', 'completed')`)
@Index('idempotency_keys_expires_at_idx', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** The actor's id (user or API key), or `anonymous`: keys are per caller. */
  @PrimaryColumn('varchar', { length: 100 })
  actorId: string;

  @PrimaryColumn('varchar', { length: 255 })
  key: string;

  /** Identifies the request holding the claim: a request whose claim lapsed cannot store its answer over its successor's. */
  @Column('uuid')
  claimId: string;

  @Column('varchar', { length: 10 })
  requestMethod: string;

  @Column('varchar', { length: 2048 })
  requestPath: string;

  /** SHA-256 (hex) of method, path, query and canonical JSON body. */
  @Column('char', { length: 64 })
  requestHash: string;

  @Column('varchar', { length: 16, default: 'in_flight' })
  state: IdempotencyState;

  @Column('smallint', { nullable: true })
  responseStatus: number | null;

  @Column('jsonb', { nullable: true })
  responseHeaders: StoredHeaders | null;

  /** The body exactly as sent (text, not jsonb: a replay must be byte for byte the same). */
  @Column('text', { nullable: true })
  responseBody: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
