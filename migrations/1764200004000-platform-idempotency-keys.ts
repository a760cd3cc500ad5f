import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * platform.idempotency_keys: the first answer to each (caller, Idempotency-Key), replayed to
 * retries of the same request until it expires (API.md "Writes").
 */
export class PlatformIdempotencyKeys1764200004000 implements MigrationInterface {
  name = 'PlatformIdempotencyKeys1764200004000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.idempotency_keys (
        actor_id character varying(100) NOT NULL,
        key character varying(255) NOT NULL,
        claim_id uuid NOT NULL,
        request_method character varying(10) NOT NULL,
        request_path character varying(2048) NOT NULL,
        request_hash character(64) NOT NULL,
        state character varying(16) NOT NULL DEFAULT 'in_flight',
        response_status smallint,
        response_headers jsonb,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (actor_id, key),
        CONSTRAINT idempotency_keys_state_check CHECK (state IN ('in_flight', 'completed'))
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_at_idx ON platform.idempotency_keys (expires_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS platform.idempotency_keys`);
  }
}
