import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { DomainError } from '../../errors/domain-error';
import { mapError, PROBLEM_CONTENT_TYPE, toProblem } from '../../errors/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a retry gets, under a key whose stored answer held personal data since erased. */
export const idempotencyKeyErased = (): DomainError =>
  new DomainError(
    'IDEMPOTENCY_KEY_ERASED',
    'conflict',
    'The answer to this request is no longer kept: it held a record of a person whose data has since been erased. The request is not run again under this Idempotency-Key; send a new key to run it anew.',
    [{ field: 'Idempotency-Key', message: 'was answered with records since erased' }],
  );

/**
 * Erasure of personal data reaching platform.idempotency_keys: a stored answer is a copy of
 * the records it returned (a created contact, an activity's text), replayed to any retry for
 * the retention period. In the caller's transaction, so it commits with the erasure.
 */
@Injectable()
export class IdempotencyErasure {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
  ) {}

  /**
   * Every stored answer that mentions one of `recordIds` is replaced by a 409 problem
   * (`IDEMPOTENCY_KEY_ERASED`). The key itself stays until it expires, with its request hash:
   * a retry with the same key and request gets that 409 instead of running again (a second
   * record, silently), another request under the key still gets 422. Returns how many answers
   * were replaced.
   */
  async forgetResponsesMentioning(recordIds: readonly string[]): Promise<number> {
    const ids = [...new Set(recordIds.filter((id) => UUID.test(id)))];
    if (!ids.length) return 0;
    const rows: { actor_id: string; key: string; request_path: string }[] = await this.txHost.tx.query(
      `SELECT actor_id, key, request_path FROM platform.idempotency_keys
        WHERE state = 'completed' AND response_body IS NOT NULL AND response_body ILIKE ANY($1::text[])
        ORDER BY actor_id, key FOR UPDATE`,
      [ids.map((id) => `%${id}%`)],
    );
    const mapped = mapError(idempotencyKeyErased());
    // The erasure's request: the first request's id is not kept, and this one tells support what replaced the answer.
    const requestId = this.cls.isActive() ? String((this.cls.getId() as string | undefined) ?? '') : '';
    for (const row of rows) {
      const problem = toProblem(mapped, row.request_path, requestId);
      await this.txHost.tx.query(
        `UPDATE platform.idempotency_keys SET response_status = $3, response_headers = $4::jsonb, response_body = $5 WHERE actor_id = $1 AND key = $2`,
        [row.actor_id, row.key, mapped.status, JSON.stringify({ 'content-type': PROBLEM_CONTENT_TYPE }), JSON.stringify(problem)],
      );
    }
    return rows.length;
  }
}
