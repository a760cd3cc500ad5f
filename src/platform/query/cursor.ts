import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors/domain-error';
import { SortKey } from './list-spec';

const invalidCursor = () => badRequest('cursor is not valid for this list.', [{ field: 'cursor', message: 'is not valid for this list (tampered, foreign or stale)' }], 'INVALID_CURSOR');

/** The sort a cursor belongs to: a cursor of another resource or sort is refused. */
export function sortSignature(resource: string, keys: readonly SortKey[]): string {
  return `${resource}:${keys.map((k) => (k.desc ? '-' : '') + k.field.name).join(',')}`;
}

/**
 * Opaque, signed keyset cursors: base64url(JSON {s: signature, v: values}) + "." + HMAC.
 * A client cannot forge a position (e.g. to probe values of rows it cannot see through the
 * order) nor replay a cursor across resources or sorts.
 */
export class CursorCodec {
  private readonly key: Buffer;

  /** `secret` is the deployment's JWT secret; without one (box mode first boot) a per-process key. */
  constructor(secret: string | undefined) {
    const root = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
    this.key = createHmac('sha256', root).update('crm:list-cursor:v1').digest();
  }

  encode(signature: string, values: readonly (string | null)[]): string {
    const payload = Buffer.from(JSON.stringify({ s: signature, v: values }), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The row values the cursor points after; 400 when it is not one we issued for this sort. */
  decode(cursor: string, signature: string, arity: number): (string | null)[] {
    const dot = cursor.indexOf('.');
    if (dot <= 0 || dot !== cursor.lastIndexOf('.')) throw invalidCursor();
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    const p = parsed as { s?: unknown; v?: unknown };
    if (p?.s !== signature || !Array.isArray(p.v) || p.v.length !== arity || !p.v.every((x) => x === null || typeof x === 'string')) {
      throw invalidCursor();
    }
    return p.v as (string | null)[];
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
