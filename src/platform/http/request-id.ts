import type { IncomingMessage } from 'node:http';
import { newId } from '../database/columns';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

const assigned = new WeakMap<IncomingMessage, string>();

/**
 * The caller's X-Request-Id when it is sane, else a new one; the same for one request however
 * often it is asked (Fastify's request id and the request context both come from here).
 */
export function requestIdFrom(req: IncomingMessage): string {
  let id = assigned.get(req);
  if (!id) {
    const h = req.headers['x-request-id'];
    const v = Array.isArray(h) ? h[0] : h;
    id = v && SANE.test(v) ? v : newId();
    assigned.set(req, id);
  }
  return id;
}
