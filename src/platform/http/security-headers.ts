import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for these options. With static options (no CSP nonces or other
 * directive functions) helmet writes the same headers on every response, so they are computed
 * once: running its middleware chain per request (@fastify/helmet even rebuilds it each time)
 * cost several percent of a cheap request's CPU.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name];
    },
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

/** helmet's security headers on every answer, errors and 404s included. */
export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const directives = (options.contentSecurityPolicy as { directives?: Record<string, unknown> } | undefined)?.directives ?? {};
  const dynamic = Object.values(directives).some((v) => typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function')));
  if (dynamic) throw new Error('security headers: CSP directives computed per request are not supported; headers are computed once');
  const headers = securityHeaders(options);
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
