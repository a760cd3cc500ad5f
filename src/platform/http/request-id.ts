import type { IncomingMessage } from 'node:http';
import { newId } from '../database/columns';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new one. */
export function requestIdFrom(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && SANE.test(v) ? v : newId();
}
