import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { newId } from '../../database/columns';
import { StoredHeaders } from './idempotency-key.entity';

/**
 * How long a claim protects a request that never finishes (its process died): after this a
 * retry may run it again. Far longer than any request takes; long work answers 202 at once.
 */
export const IN_FLIGHT_LEASE_SECONDS = 120;

export interface IdempotentRequest {
  actorId: string;
  key: string;
  method: string;
  path: string;
  hash: string;
}

export interface StoredResponse {
  status: number;
  headers: StoredHeaders;
  body: string | null;
}

export type Claim =
  | { outcome: 'claimed'; claimId: string }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in_flight' }
  | { outcome: 'mismatch' };

interface KeyRow {
  claim_id: string;
  request_hash: string;
  state: 'in_flight' | 'completed';
  response_status: number | null;
  response_headers: StoredHeaders | null;
  response_body: string | null;
}

/**
 * platform.idempotency_keys through plain statements on the DataSource, deliberately outside
 * any request transaction: a claim must be visible to a concurrent retry the moment it is made.
 */
@Injectable()
export class IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Claims the key for this request, or says what to do instead. One INSERT … ON CONFLICT
   * decides between concurrent requests; an expired key, or one whose holder outlived its
   * lease, is taken over in the same statement.
   */
  async claim(req: IdempotentRequest): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimId = newId();
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO platform.idempotency_keys AS k
           (actor_id, key, claim_id, request_method, request_path, request_hash, state, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'in_flight', now(), now() + make_interval(hours => $7))
         ON CONFLICT (actor_id, key) DO UPDATE SET
           claim_id = EXCLUDED.claim_id, request_method = EXCLUDED.request_method, request_path = EXCLUDED.request_path,
           request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL, response_headers = NULL,
           response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE k.expires_at <= now()
            OR (k.state = 'in_flight' AND k.request_hash = EXCLUDED.request_hash AND k.created_at < now() - make_interval(secs => $8))
         RETURNING claim_id`,
        [req.actorId, req.key, claimId, req.method, req.path, req.hash, this.config.idempotencyTtlHours, IN_FLIGHT_LEASE_SECONDS],
      );
      if (claimed.length) return { outcome: 'claimed', claimId };

      const [row]: KeyRow[] = await this.dataSource.query(
        `SELECT claim_id, request_hash, state, response_status, response_headers, response_body
           FROM platform.idempotency_keys WHERE actor_id = $1 AND key = $2`,
        [req.actorId, req.key],
      );
      // Released (its request failed) between the two statements: try to claim it again.
      if (!row) continue;
      if (row.request_hash !== req.hash) return { outcome: 'mismatch' };
      if (row.state === 'in_flight') return { outcome: 'in_flight' };
      return { outcome: 'replay', response: { status: row.response_status ?? 200, headers: row.response_headers ?? {}, body: row.response_body } };
    }
    return { outcome: 'in_flight' };
  }

  /** Stores the answer a retry will get; a no-op if the claim was taken over meanwhile. */
  async complete(req: IdempotentRequest, claimId: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE platform.idempotency_keys
          SET state = 'completed', response_status = $4, response_headers = $5, response_body = $6
        WHERE actor_id = $1 AND key = $2 AND claim_id = $3 AND state = 'in_flight'`,
      [req.actorId, req.key, claimId, response.status, JSON.stringify(response.headers), response.body],
    );
  }

  /** Gives the key back (the request failed on our side): a retry runs the request afresh. */
  async release(req: IdempotentRequest, claimId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM platform.idempotency_keys WHERE actor_id = $1 AND key = $2 AND claim_id = $3 AND state = 'in_flight'`, [
      req.actorId,
      req.key,
      claimId,
    ]);
  }
}
